import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock beside the state file (`casewatch.sqlite.lock`), so that two runs — a cron tick
/// that overlaps a slow one, a manual run beside the daemon — never work at once.
///
/// `flock` locks are released by the kernel when the process dies, so a crashed run never leaves a
/// stale lock behind.
public final class RunLock: Sendable {
    private let descriptor: Int32
    public let path: String

    /// Another run holds the lock: exit 75 and do nothing.
    public struct Busy: Error, CustomStringConvertible {
        public let path: String
        public var description: String { "another CaseWatch run holds \(path); nothing done" }
    }

    /// Takes the lock at once or throws ``Busy``.
    public init(statePath: String) throws {
        path = statePath + ".lock"
        try FileManager.default.createDirectory(
            at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw Busy(path: path)
        }
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
