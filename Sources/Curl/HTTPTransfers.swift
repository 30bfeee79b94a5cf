import CCurl

/// Many HTTP transfers at once on one libcurl multi handle, driven by the thread that owns them: it starts
/// transfers, calls ``drive(waitingAtMost:)`` and gets each one's completion there, with no hand-over between
/// threads — the delivery engine's coordinator owns one per run; ``HTTPEventLoop`` wraps one in a thread of its own.
///
/// Connections are kept and reused by every transfer to the same host, at most `maxHostConnections` at once (more
/// transfers wait in libcurl's queue). Each transfer keeps its network guard (the open-socket callback is set on
/// every easy handle, as ``EasyHandle/perform(_:)`` sets it). Only ``waker`` may be used from other threads.
public final class HTTPTransfers {
    public typealias Completion = (Result<HTTPResponse, Error>) -> Void

    private let multi: MultiHandle
    private var idle: [EasyHandle] = []
    private var running: [UnsafeMutableRawPointer: Transfer] = [:]

    /// One transfer in flight: its handle, and what must live as long as it does.
    private struct Transfer {
        var handle: EasyHandle
        var prepared: EasyHandle.PreparedTransfer
        var completion: Completion
    }

    public init(maxHostConnections: Int) throws {
        multi = try MultiHandle(maxHostConnections: maxHostConnections)
    }

    /// Transfers started and not yet completed.
    public var count: Int { running.count }

    /// Ends a ``drive(waitingAtMost:)`` early, or the next one at once; safe from any thread.
    public var waker: Waker { Waker(multi: multi.raw) }

    /// Starts `request`; `completion` is called once, on the owning thread, from ``drive(waitingAtMost:)`` — or at
    /// once when the request cannot be set up.
    public func start(_ request: HTTPRequest, completion: @escaping Completion) {
        do {
            let handle = try idle.popLast() ?? EasyHandle()
            do {
                let prepared = try handle.prepare(request)
                try multi.add(handle)
                running[handle.raw] = Transfer(handle: handle, prepared: prepared, completion: completion)
            } catch {
                handle.preparedHTTP = nil
                idle.append(handle)
                throw error
            }
        } catch {
            completion(.failure(error))
        }
    }

    /// Moves every transfer on as far as it can without waiting and calls the completions of those that ended;
    /// when none ended, waits until a socket is ready, ``waker`` is used, or `milliseconds` pass, and moves on again.
    public func drive(waitingAtMost milliseconds: Int) {
        if finishEnded() > 0 { return }
        try? multi.poll(milliseconds: milliseconds)
        _ = finishEnded()
    }

    private func finishEnded() -> Int {
        _ = try? multi.perform()
        let ended = multi.finished()
        for (easy, result) in ended {
            guard let transfer = running.removeValue(forKey: easy) else { continue }
            multi.remove(transfer.handle)
            let outcome = transfer.handle.finish(transfer.prepared, result: result)
            if case .failure = outcome { transfer.handle.preparedHTTP = nil }
            idle.append(transfer.handle)
            transfer.completion(outcome)
        }
        return ended.count
    }

    /// Wakes the thread driving the transfers, from any thread.
    public struct Waker: @unchecked Sendable {  // curl_multi_wakeup is the one multi call libcurl allows from any thread
        let multi: UnsafeMutableRawPointer

        public func wake() {
            _ = curl_multi_wakeup(multi)
        }
    }
}

@available(*, unavailable)
extension HTTPTransfers: Sendable {}
