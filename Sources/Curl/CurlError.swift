import CCurl

/// A failed libcurl call: the `CURLcode`, curl's own short text for it, and the detail curl wrote into
/// the handle's error buffer (which names the host, the TLS problem, the refused command).
public struct CurlError: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: Int
    public let detail: String

    public init(code: CURLcode, detail: String) {
        self.code = Int(code.rawValue)
        self.detail = detail
    }

    /// The transfer gave up waiting: connect or total timeout.
    public var isTimeout: Bool { code == Int(CURLE_OPERATION_TIMEDOUT.rawValue) }

    /// The server refused the credentials.
    public var isLoginDenied: Bool { code == Int(CURLE_LOGIN_DENIED.rawValue) }

    /// No connection could be made at all (refused, unresolvable, unreachable).
    public var isConnectFailure: Bool {
        code == Int(CURLE_COULDNT_CONNECT.rawValue) || code == Int(CURLE_COULDNT_RESOLVE_HOST.rawValue)
    }

    public var description: String {
        let summary = String(cString: curl_easy_strerror(CURLcode(UInt32(code))))
        return detail.isEmpty || detail == summary ? "curl error \(code): \(summary)" : "curl error \(code): \(summary): \(detail)"
    }
}
