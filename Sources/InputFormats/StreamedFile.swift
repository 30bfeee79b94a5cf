import Foundation

/// A file read into memory a window at a time, for JSON case files: one address range the size of the
/// file, which the reader has filled ahead of it and handed back to the kernel behind it.
///
/// Why: a registry of 100,000 cases is a 100 MB file; read whole, it was a third of the peak memory
/// of a first sync. Offsets stay those of the file, so ``JSONSource`` reads it as if it were whole.
package final class StreamedFile {
    /// The whole file's range; only the first ``loaded`` bytes have been read (the rest are zero).
    let bytes: UnsafeBufferPointer<UInt8>
    /// The file's size when it was opened.
    package var size: Int { bytes.count }
    private(set) var loaded = 0
    /// The end of the file was reached, or reading it failed (``readError``).
    private(set) var isComplete = false
    /// The `errno` of a read that failed midway.
    package private(set) var readError: Int32?
    private var released = 0
    private let descriptor: Int32
    /// Bytes read, and handed back, at a time at least; also how far ahead a reader first asks for.
    let step: Int

    /// Nil when the file cannot be opened or is empty or not a regular file: the caller reads it the
    /// ordinary way, which says what is wrong.
    package init?(path: String, step: Int = 4 << 20) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG, status.st_size > 0,
              let base = mmap(nil, Int(status.st_size), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              base != MAP_FAILED
        else {
            close(descriptor)
            return nil
        }
        self.descriptor = descriptor
        self.step = step
        bytes = UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: Int(status.st_size))
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
        close(descriptor)
    }

    /// Reads on until at least the first `offset` bytes are in (or the file ends).
    func load(through offset: Int) {
        guard !isComplete, offset > loaded else { return }
        let target = min(bytes.count, max(offset, loaded + step))
        while !isComplete, loaded < target {
            let count = read(descriptor, UnsafeMutablePointer(mutating: bytes.baseAddress! + loaded), target - loaded)
            if count > 0 {
                loaded += count
            } else if count < 0, errno == EINTR {
                continue
            } else {
                // A file cut short while it is read ends here, as it would for a whole read.
                if count < 0 { readError = errno }
                isComplete = true
            }
        }
        if loaded == bytes.count { isComplete = true }
    }

    /// Hands the pages before `offset` back to the kernel: the reader is past them for good.
    func release(before offset: Int) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let end = offset / page * page
        guard end - released >= step else { return }
        madvise(UnsafeMutableRawPointer(mutating: bytes.baseAddress! + released), end - released, Int32(MADV_DONTNEED))
        released = end
    }
}

@available(*, unavailable)
extension StreamedFile: Sendable {}
