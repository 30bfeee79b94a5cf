import CCurl

/// One libcurl easy handle, the unit of connection reuse.
///
/// A handle keeps its connection cache between transfers, so a delivery worker that reuses one handle
/// sends a whole cycle of messages over one SMTP session or one HTTP keep-alive connection. Every option
/// is reset before each transfer (`curl_easy_reset` keeps the connections), and every `CURLcode` is
/// mapped to a ``CurlError`` with the text curl left in the error buffer. A handle is used by one thread
/// at a time, hence not `Sendable`.
public final class EasyHandle {
    let raw: UnsafeMutableRawPointer
    let errorBuffer: UnsafeMutablePointer<CChar>

    /// libcurl's global set-up, once per process, before the first easy or multi handle.
    static let globalInitOnce: Void = {
        curl_global_init(Int(CURL_GLOBAL_ALL))
    }()

    public init() throws {
        _ = Self.globalInitOnce
        guard let raw = curl_easy_init() else {
            throw CurlError(code: CURLE_FAILED_INIT, detail: "curl_easy_init returned NULL")
        }
        self.raw = raw
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        curl_easy_cleanup(raw)
        errorBuffer.deallocate()
    }

    /// What the options that stay the same from one HTTP request to the next were last set for; nil when they
    /// were not (a new handle, or after ``reset()``).
    var preparedHTTP: HTTPRequest.Shape?

    /// Clears every option of the previous transfer but keeps the live connections.
    func reset() throws {
        curl_easy_reset(raw)
        preparedHTTP = nil
        errorBuffer[0] = 0
        try check(casewatch_curl_setopt_pointer(raw, CURLOPT_ERRORBUFFER, errorBuffer))
        try set(CURLOPT_NOSIGNAL, 1)
    }

    func set(_ option: CURLoption, _ value: Int) throws {
        try check(casewatch_curl_setopt_long(raw, option, value))
    }

    func set(_ option: CURLoption, _ value: String) throws {
        // libcurl copies string options, so the Swift string may go away after the call.
        try check(value.withCString { casewatch_curl_setopt_string(raw, option, $0) })
    }

    func set(_ option: CURLoption, _ list: StringList) throws {
        try check(casewatch_curl_setopt_slist(raw, option, list.pointer))
    }

    func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) throws {
        try check(casewatch_curl_setopt_pointer(raw, option, pointer))
    }

    func set(_ option: CURLoption, callback: casewatch_curl_io_callback) throws {
        try check(casewatch_curl_setopt_io_callback(raw, option, callback))
    }

    /// The open-socket callback (nil: libcurl's own `socket()`), through which the network guard sees every address.
    func setOpenSocket(_ callback: curl_opensocket_callback?) throws {
        try check(casewatch_curl_setopt_opensocket_callback(raw, callback))
    }

    func set(_ option: CURLoption, size: Int) throws {
        try check(casewatch_curl_setopt_offset(raw, option, curl_off_t(size)))
    }

    func info(_ info: CURLINFO) -> Int {
        var value = 0
        _ = casewatch_curl_getinfo_long(raw, info, &value)
        return value
    }

    func perform() throws {
        errorBuffer[0] = 0
        try check(curl_easy_perform(raw))
    }

    /// The whole transfer, its result as libcurl gives it (the error text stays in the error buffer).
    func performRaw() -> CURLcode {
        curl_easy_perform(raw)
    }

    private func check(_ code: CURLcode) throws {
        guard code != CURLE_OK else { return }
        throw CurlError(code: code, detail: String(cString: errorBuffer))
    }
}

@available(*, unavailable)
extension EasyHandle: Sendable {}
