import CCurl

/// One libcurl multi handle: many transfers driven together by one thread, sharing one connection cache.
///
/// Easy handles added to it keep their options; the multi handle owns the connections, so a connection opened for
/// one transfer is reused by the next to the same host, whichever easy handle carries it, and no more than
/// `maxHostConnections` are open to one host at a time (`CURLMOPT_MAX_HOST_CONNECTIONS`; transfers beyond it wait
/// in libcurl's own queue). Used by one thread only (``HTTPTransfers``' owner), hence not `Sendable`; only `curl_multi_wakeup`
/// may be called from another thread, as libcurl allows.
final class MultiHandle {
    let raw: UnsafeMutableRawPointer

    init(maxHostConnections: Int) throws {
        _ = EasyHandle.globalInitOnce
        guard let raw = curl_multi_init() else {
            throw CurlError(code: CURLE_FAILED_INIT, detail: "curl_multi_init returned NULL")
        }
        self.raw = raw
        try check(casewatch_curl_multi_setopt_long(raw, CURLMOPT_MAX_HOST_CONNECTIONS, maxHostConnections))
    }

    deinit {
        curl_multi_cleanup(raw)
    }

    func add(_ easy: EasyHandle) throws {
        try check(curl_multi_add_handle(raw, easy.raw))
    }

    func remove(_ easy: EasyHandle) {
        _ = curl_multi_remove_handle(raw, easy.raw)
    }

    /// Moves every transfer on as far as it can go without waiting; returns how many are still running.
    @discardableResult
    func perform() throws -> Int {
        var running: Int32 = 0
        try check(curl_multi_perform(raw, &running))
        return Int(running)
    }

    /// Waits until a transfer's socket is ready, `milliseconds` pass, or ``HTTPTransfers/Waker`` wakes it.
    func poll(milliseconds: Int) throws {
        try check(curl_multi_poll(raw, nil, 0, Int32(milliseconds), nil))
    }

    /// The transfers that ended since the last call: each easy handle's raw pointer and its result.
    func finished() -> [(easy: UnsafeMutableRawPointer, result: CURLcode)] {
        var ended: [(easy: UnsafeMutableRawPointer, result: CURLcode)] = []
        var left: Int32 = 0
        while let message = curl_multi_info_read(raw, &left) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            ended.append((easy, message.pointee.data.result))
        }
        return ended
    }

    private func check(_ code: CURLMcode) throws {
        guard code != CURLM_OK else { return }
        throw CurlError(code: CURLE_FAILED_INIT, detail: String(cString: curl_multi_strerror(code)))
    }
}

@available(*, unavailable)
extension MultiHandle: Sendable {}
