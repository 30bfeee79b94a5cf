import CCurl

/// One HTTP request as CaseWatch sends it: a webhook POST, a registry feed GET, a Matrix message PUT.
public struct HTTPRequest: Sendable {
    public enum Method: String, Sendable { case get = "GET", post = "POST", put = "PUT" }

    public var method: Method
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Seconds to wait for the TCP (and TLS) connection.
    public var connectTimeout: Double
    /// Seconds the whole transfer may take.
    public var timeout: Double
    /// Response bytes kept; the rest is read and dropped so the connection stays reusable.
    public var responseLimit: Int
    public var caFile: String?
    /// Where the request may connect; nil for none of the guard's checks (a test talking to its own server). Every
    /// request made on a subscriber's or a source's behalf has one.
    public var network: NetworkGuard?

    public init(
        method: Method, url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
        connectTimeout: Double = 10, timeout: Double = 15, responseLimit: Int = 64 * 1024, caFile: String? = nil,
        network: NetworkGuard? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.responseLimit = responseLimit
        self.caFile = caFile
        self.network = network
    }
}

/// What came back: status, headers of the final response, and the body up to the request's limit.
public struct HTTPResponse: Sendable {
    public let status: Int
    /// The header lines of the final response as received, status line first; parsed only when asked (most
    /// deliveries never look at a header).
    let headerBlock: [UInt8]
    public let body: [UInt8]
    /// The body was longer than the request's `responseLimit`; `body` holds only its beginning.
    public let truncated: Bool

    /// Every header, in order, as (name, value) with the value trimmed of spaces and tabs.
    public var headers: [(name: String, value: String)] {
        let lines = String(decoding: headerBlock, as: UTF8.self).split(whereSeparator: { $0 == "\r\n" || $0 == "\n" })
        return lines.dropFirst().compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: " \t")
            return (String(line[..<colon]), value)
        }
    }

    /// The first header of that name, compared without case.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

extension HTTPRequest {
    /// What a handle's options hold that does not change between requests of one kind (a sender's webhooks).
    struct Shape: Equatable {
        var method: Method
        var connectTimeout: Double
        var timeout: Double
        var caFile: String?
    }

    var shape: Shape { Shape(method: method, connectTimeout: connectTimeout, timeout: timeout, caFile: caFile) }
}

extension EasyHandle {
    /// Sends `request` and returns the response; never follows redirects (a 3xx is returned as is).
    ///
    /// With a ``NetworkGuard``, a connection the guard refuses throws ``NetworkRefusal`` (when no address was let
    /// through) instead of curl's connect error.
    ///
    /// A handle that sent a request of the same shape last keeps the options that shape sets, and only the
    /// request's own (URL, headers, body, where the response goes) are set again.
    public func perform(_ request: HTTPRequest) throws -> HTTPResponse {
        let prepared = try prepare(request)
        var result = CURLE_OK
        withExtendedLifetime(prepared) { result = performRaw() }
        return try finish(prepared, result: result).get()
    }

    /// What one transfer needs kept alive until it ends: its buffers, its header list and its network guard.
    final class PreparedTransfer {
        let buffers: TransferBuffers
        let headers: StringList
        let connections: ConnectionCheck?

        init(buffers: TransferBuffers, headers: StringList, connections: ConnectionCheck?) {
            self.buffers = buffers
            self.headers = headers
            self.connections = connections
        }
    }

    /// Sets the handle up for `request` without sending it: for ``perform(_:)``, or for a multi handle to drive.
    func prepare(_ request: HTTPRequest) throws -> PreparedTransfer {
        if preparedHTTP != request.shape {
            try reset()
            try set(CURLOPT_PROTOCOLS_STR, "http,https")
            try set(CURLOPT_FOLLOWLOCATION, 0)
            try set(CURLOPT_CONNECTTIMEOUT_MS, Int(request.connectTimeout * 1000))
            try set(CURLOPT_TIMEOUT_MS, Int(request.timeout * 1000))
            if let caFile = request.caFile { try set(CURLOPT_CAINFO, caFile) }
            if request.method == .get { try set(CURLOPT_HTTPGET, 1) }
            // A body given as with POST, under another method's name.
            if request.method == .put { try set(CURLOPT_CUSTOMREQUEST, "PUT") }
            preparedHTTP = request.shape
        }
        let buffers = TransferBuffers(bodyLimit: request.responseLimit)
        let headers = StringList(request.headers.map { "\($0.name): \($0.value)" } + ["Expect:"])
        try set(CURLOPT_URL, request.url)
        try set(CURLOPT_HTTPHEADER, headers)
        if request.method != .get {
            // Copied into the request, so that headers and a small body leave in one send (a body read
            // through a callback would go in a send of its own, a second segment for the receiver to wake
            // up for). The size first: the body may hold NUL bytes.
            try set(CURLOPT_POSTFIELDSIZE_LARGE, size: request.body.count)
            // Never a null pointer, which would have libcurl read the body from standard input.
            try (request.body.isEmpty ? [0] : request.body).withUnsafeBytes { body in
                try set(CURLOPT_COPYPOSTFIELDS, pointer: UnsafeMutableRawPointer(mutating: body.baseAddress))
            }
        }
        try buffers.attach(to: self, reading: false)
        let connections = request.network.map { ConnectionCheck($0, url: request.url) }
        try watch(connections)
        errorBuffer[0] = 0
        return PreparedTransfer(buffers: buffers, headers: headers, connections: connections)
    }

    /// The response of a transfer that ended with `result`, or why there is none: the network guard's refusal when
    /// it let no address through, else curl's error.
    func finish(_ prepared: PreparedTransfer, result: CURLcode) -> Result<HTTPResponse, Error> {
        guard result == CURLE_OK else {
            preparedHTTP = nil  // start the next request from a clean handle
            if let refusal = prepared.connections?.refusalWhenNothingOpened { return .failure(refusal) }
            return .failure(CurlError(code: result, detail: String(cString: errorBuffer)))
        }
        let buffers = prepared.buffers
        return .success(HTTPResponse(status: info(CURLINFO_RESPONSE_CODE), headerBlock: buffers.headerBlock,
                                     body: buffers.body, truncated: buffers.truncated))
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var slice = self
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
