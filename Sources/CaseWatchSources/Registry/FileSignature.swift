import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What `stat` says of a file — device, inode, size, modification and change times to the nanosecond —
/// as one string: if it is the same as at the last recorded run, the file has not been touched.
enum FileSignature {
    static func of(_ url: URL) -> String? {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return nil }
        return "\(info.st_dev):\(info.st_ino):\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec):"
            + "\(info.st_ctim.tv_sec).\(info.st_ctim.tv_nsec)"
    }

    /// Whether the file was modified or changed less than 50 ms before `moment` (file times come from a
    /// clock a few milliseconds coarse; this is git's "racily clean" case).
    static func changedNear(_ url: URL, _ moment: Date) -> Bool {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return true }
        func seconds(_ time: timespec) -> Double { Double(time.tv_sec) + Double(time.tv_nsec) / 1e9 }
        return moment.timeIntervalSince1970 - max(seconds(info.st_mtim), seconds(info.st_ctim)) < 0.05
    }
}
