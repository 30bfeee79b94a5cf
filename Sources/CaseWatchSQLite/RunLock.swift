import CaseWatchStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock beside the state file (`casewatch.sqlite.lock`), so that two runs — a cron tick
/// that overlaps a slow one, a manual run beside the daemon — never work at once.
///
/// `flock` locks are released by the kernel when the process dies, so a crashed run never leaves a
/// stale lock behind.
final class RunLock: RunHold {
    private let descriptor: Int32
    let path: String

    /// Takes the lock at once, or throws ``StoreError`` with kind `busy`.
    init(statePath: String) throws {
        path = statePath + ".lock"
        try FileManager.default.createDirectory(
            at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StoreError(.unavailable, "cannot create the run lock \(path): \(String(cString: strerror(errno)))")
        }
        _ = fchmod(descriptor, 0o600)  // a lock an earlier release created readable by all
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw StoreError(.busy, "another CaseWatch run holds \(path); nothing done")
        }
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

/// The SQLite engine's run coordinator: the file lock beside the store.
package struct FileRunCoordinator: RunCoordinator {
    package let statePath: String

    package init(statePath: String) {
        self.statePath = statePath
    }

    package func acquire() throws -> any RunHold {
        try RunLock(statePath: statePath)
    }
}
