import CCurl

/// The Swift side of one transfer's C callbacks: the upload being read and the response being written.
///
/// libcurl's callbacks are plain C function pointers; they find this object through the `userdata`
/// pointer (`Unmanaged`), which stays valid because the transfer holds a strong reference for its
/// whole duration.
final class TransferBuffers {
    private let upload: [UInt8]
    private var uploadOffset = 0
    private(set) var body: [UInt8] = []
    /// The header lines of the last response received, as they came (each ending in CRLF), status line first.
    private(set) var headerBlock: [UInt8] = []
    /// More body came than `bodyLimit` allowed.
    private(set) var truncated = false
    let bodyLimit: Int

    init(upload: [UInt8] = [], bodyLimit: Int = 64 * 1024) {
        self.upload = upload
        self.bodyLimit = bodyLimit
    }

    func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        let count = min(capacity, upload.count - uploadOffset)
        guard count > 0 else { return 0 }
        upload.withUnsafeBufferPointer { source in
            UnsafeMutableRawPointer(buffer).copyMemory(
                from: source.baseAddress! + uploadOffset, byteCount: count)
        }
        uploadOffset += count
        return count
    }

    func write(_ buffer: UnsafeMutablePointer<CChar>, count: Int) {
        let room = bodyLimit - body.count
        if count > room { truncated = true }
        guard room > 0 else { return }  // keep reading so the connection stays reusable, drop the rest
        let kept = min(room, count)
        UnsafeRawBufferPointer(start: buffer, count: kept).withMemoryRebound(to: UInt8.self) {
            body.append(contentsOf: $0)
        }
    }

    func header(_ buffer: UnsafeMutablePointer<CChar>, count: Int) {
        let line = UnsafeRawBufferPointer(start: buffer, count: count)
        if line.starts(with: "HTTP/".utf8) { headerBlock.removeAll(keepingCapacity: true) }  // a new response (after 100 Continue)
        headerBlock.append(contentsOf: line)
    }

    /// Registers the callbacks on `handle`; the caller keeps `self` alive until the transfer ends.
    func attach(to handle: EasyHandle, reading: Bool) throws {
        let userdata = Unmanaged.passUnretained(self).toOpaque()
        if reading {
            try handle.set(CURLOPT_READFUNCTION, callback: { buffer, size, count, userdata in
                guard let buffer, let userdata else { return 0 }
                let transfer = Unmanaged<TransferBuffers>.fromOpaque(userdata).takeUnretainedValue()
                return transfer.read(into: buffer, capacity: size * count)
            })
            try handle.set(CURLOPT_READDATA, pointer: userdata)
        }
        try handle.set(CURLOPT_WRITEFUNCTION, callback: { buffer, size, count, userdata in
            guard let buffer, let userdata else { return 0 }
            Unmanaged<TransferBuffers>.fromOpaque(userdata).takeUnretainedValue().write(buffer, count: size * count)
            return size * count
        })
        try handle.set(CURLOPT_WRITEDATA, pointer: userdata)
        try handle.set(CURLOPT_HEADERFUNCTION, callback: { buffer, size, count, userdata in
            guard let buffer, let userdata else { return 0 }
            Unmanaged<TransferBuffers>.fromOpaque(userdata).takeUnretainedValue().header(buffer, count: size * count)
            return size * count
        })
        try handle.set(CURLOPT_HEADERDATA, pointer: userdata)
    }
}

@available(*, unavailable)
extension TransferBuffers: Sendable {}
