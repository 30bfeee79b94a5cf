import CCurl

/// One transfer's network guard, as libcurl's open-socket callback sees it: every address libcurl is about to
/// connect to, after name resolution, is judged here, and a refused one gets no socket (`CURL_SOCKET_BAD`).
///
/// libcurl may try several addresses of one name (IPv6 and IPv4, happy eyeballs); the transfer fails as refused by
/// the guard only when no address was let through, so that curl's own error stands for a public address that did
/// not answer. The callback finds this object through `OPENSOCKETDATA` (`Unmanaged`); the transfer keeps it alive.
final class ConnectionCheck {
    let rules: NetworkGuard
    /// `http://` (or a URL without a scheme, which libcurl sends over plain HTTP): only allowed blocks may take it.
    let plainHTTP: Bool
    /// The URL's host, to name beside the address in a refusal (`2130706433 (127.0.0.1)`).
    let host: String?
    /// The first address refused.
    private(set) var refusal: NetworkRefusal?
    /// How many sockets were opened for addresses the guard let through.
    private(set) var opened = 0

    init(_ rules: NetworkGuard, url: String) {
        self.rules = rules
        let parts = NetworkGuard.schemeAndHost(of: url)
        plainHTTP = parts?.scheme != "https"
        host = parts?.host
    }

    /// The refusal to report for a failed transfer: only when every address tried was refused.
    var refusalWhenNothingOpened: NetworkRefusal? { opened == 0 ? refusal : nil }

    func open(_ address: UnsafeMutablePointer<curl_sockaddr>) -> curl_socket_t {
        var bytes = [UInt8](repeating: 0, count: 16)
        let count = Int(casewatch_curl_sockaddr_bytes(address, &bytes))
        guard let ip = IPAddress(bytes: Array(bytes.prefix(count))) else {
            return CURL_SOCKET_BAD  // neither IPv4 nor IPv6: nothing CaseWatch connects to
        }
        if let refused = rules.refusal(of: ip, plainHTTP: plainHTTP) {
            if refusal == nil { refusal = NetworkRefusal(host: host, address: ip, reason: refused.reason) }
            return CURL_SOCKET_BAD
        }
        opened += 1
        return casewatch_curl_open_socket(address)
    }
}

@available(*, unavailable)
extension ConnectionCheck: Sendable {}

extension EasyHandle {
    /// Routes the next transfer's connections through `check`, or, for nil, back to libcurl's own `socket()`. Set
    /// before every transfer: the handle keeps its other options from one request to the next.
    func watch(_ check: ConnectionCheck?) throws {
        guard let check else {
            try setOpenSocket(nil)
            try set(CURLOPT_OPENSOCKETDATA, pointer: nil)
            return
        }
        try setOpenSocket { userdata, _, address in
            guard let userdata, let address else { return CURL_SOCKET_BAD }
            return Unmanaged<ConnectionCheck>.fromOpaque(userdata).takeUnretainedValue().open(address)
        }
        try set(CURLOPT_OPENSOCKETDATA, pointer: Unmanaged.passUnretained(check).toOpaque())
    }
}
