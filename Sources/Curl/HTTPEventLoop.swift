import CCurl
import Foundation

/// A thread that drives many HTTP transfers at once on one libcurl multi handle (`curl_multi_perform` and
/// `curl_multi_poll`), with connection reuse and a per-host connection limit; one per core (``shared``).
///
/// Requests come in from any thread (``submit(_:completion:)``) and their completions are called on the loop's
/// thread, so a completion must be quick: hand the result over, do not work there. Each transfer keeps its network
/// guard (the open-socket callback is set on every easy handle, as ``EasyHandle/perform(_:)`` sets it).
public final class HTTPEventLoop: @unchecked Sendable {  // `submitted` is guarded by `lock`; the rest is the thread's
    public typealias Completion = @Sendable (Result<HTTPResponse, Error>) -> Void

    /// One loop per core, each with up to `maxHostConnections` connections per host; started when first asked for,
    /// they live as long as the process (an idle loop wakes once a second).
    public static let shared: [HTTPEventLoop] = (0..<max(1, ProcessInfo.processInfo.activeProcessorCount)).map {
        HTTPEventLoop(name: "casewatch.http.\($0)", maxHostConnections: 8)
    }

    /// The loop for `url`: always the same one for a host, so that its connections are reused.
    public static func loop(for url: String) -> HTTPEventLoop {
        let host = NetworkGuard.schemeAndHost(of: url)?.host ?? url
        var hash: UInt64 = 14_695_981_039_346_656_037
        for byte in host.utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
        return shared[Int(hash % UInt64(shared.count))]
    }

    private let lock = NSLock()
    private var submitted: [(request: HTTPRequest, completion: Completion)] = []
    private let transfers: HTTPTransfers?
    private let waker: HTTPTransfers.Waker?

    init(name: String, maxHostConnections: Int) {
        let transfers = try? HTTPTransfers(maxHostConnections: maxHostConnections)
        self.transfers = transfers
        waker = transfers?.waker
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    /// Starts `request`; `completion` is called once, on the loop's thread.
    public func submit(_ request: HTTPRequest, completion: @escaping Completion) {
        guard let waker else {
            completion(.failure(CurlError(code: CURLE_FAILED_INIT, detail: "curl_multi_init failed")))
            return
        }
        lock.withLock { submitted.append((request, completion)) }
        waker.wake()
    }

    /// Blocking: sends `request` on the loop and waits for its response (for callers on threads of their own).
    ///
    /// libcurl ends the transfer by the request's own timeout; should the loop not answer a while after that, the
    /// wait ends with a timeout error all the same.
    public func perform(_ request: HTTPRequest) throws -> HTTPResponse {
        let box = ResponseBox()
        let done = DispatchSemaphore(value: 0)
        submit(request) { result in
            box.result = result
            done.signal()
        }
        guard done.wait(timeout: .now() + request.timeout + 30) == .success, let result = box.result else {
            throw CurlError(code: CURLE_OPERATION_TIMEDOUT, detail: "the transfer did not end within its timeout")
        }
        return try result.get()
    }

    private func run() {
        guard let transfers else { return }
        var incoming: [(request: HTTPRequest, completion: Completion)] = []
        while true {
            lock.withLock { swap(&incoming, &submitted) }
            for (request, completion) in incoming { transfers.start(request, completion: completion) }
            incoming.removeAll(keepingCapacity: true)
            transfers.drive(waitingAtMost: transfers.count == 0 ? 1_000 : 100)
        }
    }
}

/// Hands a response from the loop's thread to the thread that waits for it.
private final class ResponseBox: @unchecked Sendable {  // written once before the semaphore, read after it
    var result: Result<HTTPResponse, Error>?
}
