import CCurl

/// One message handed to an SMTP server: the envelope and the RFC 5322 bytes.
public struct SMTPMessage: Sendable {
    public enum Security: Sendable {
        /// STARTTLS is required on `smtp://`; `smtps://` is TLS from the first byte.
        case required
        /// Plain text; the caller allows it only towards loopback hosts.
        case none
    }

    public var url: String
    public var security: Security
    public var username: String?
    public var password: String?
    public var caFile: String?
    public var mailFrom: String
    public var recipients: [String]
    public var data: [UInt8]
    public var connectTimeout: Double
    public var timeout: Double

    public init(
        url: String, security: Security, username: String? = nil, password: String? = nil, caFile: String? = nil,
        mailFrom: String, recipients: [String], data: [UInt8], connectTimeout: Double = 10, timeout: Double = 60
    ) {
        self.url = url
        self.security = security
        self.username = username
        self.password = password
        self.caFile = caFile
        self.mailFrom = mailFrom
        self.recipients = recipients
        self.data = data
        self.connectTimeout = connectTimeout
        self.timeout = timeout
    }
}

/// The outcome of an SMTP transfer that reached the server: its last reply code (250 on success).
public struct SMTPReply: Sendable, Equatable {
    public let code: Int
}

/// An SMTP transfer that failed: curl's error, the server's last reply code (0 when none came) and that reply's
/// text as the server wrote it (`550 5.1.1 <x@example.org>: Recipient address rejected`), when there was one.
public struct SMTPFailure: Error, Sendable, CustomStringConvertible {
    public let error: CurlError
    public let replyCode: Int
    public let replyText: String?

    public init(error: CurlError, replyCode: Int, replyText: String? = nil) {
        self.error = error
        self.replyCode = replyCode
        self.replyText = replyText
    }

    public var description: String {
        if let replyText { return "SMTP \(replyText)" }
        return replyCode > 0 ? "SMTP \(replyCode): \(error)" : "\(error)"
    }

    /// The server's last reply of `code` in `responses` (libcurl hands SMTP replies to the header callback; a
    /// `221` to QUIT may follow the refusal): its lines (`550-…`, `550 …`) joined, without control characters, at
    /// most 300 characters.
    static func lastReply(of code: Int, in responses: [UInt8]) -> String? {
        let lines = String(decoding: responses, as: UTF8.self).split(whereSeparator: { $0 == "\r\n" || $0 == "\n" || $0 == "\r" })
        let prefix = String(code)
        guard let end = lines.lastIndex(where: { $0.hasPrefix(prefix) }) else { return nil }
        var reply: [Substring] = []
        for line in lines[...end].reversed() {
            guard line.hasPrefix(prefix) else { break }
            reply.insert(line, at: 0)
        }
        let text = reply.map { $0.count > 4 ? String($0.dropFirst(4)) : "" }.joined(separator: " ")
        let clean = String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init))
        return String((prefix + " " + clean).prefix(300))
    }
}

extension EasyHandle {
    /// Sends one message; the handle keeps the SMTP session open for the next one to the same server.
    public func send(_ message: SMTPMessage) throws(SMTPFailure) -> SMTPReply {
        let recipients = StringList(message.recipients.map { "<\($0)>" })
        let buffers = TransferBuffers(upload: message.data)
        do {
            try reset()
            try set(CURLOPT_URL, message.url)
            try set(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
            try set(CURLOPT_USE_SSL, message.security == .required ? Int(CURLUSESSL_ALL.rawValue) : Int(CURLUSESSL_NONE.rawValue))
            if let caFile = message.caFile { try set(CURLOPT_CAINFO, caFile) }
            if let username = message.username { try set(CURLOPT_USERNAME, username) }
            if let password = message.password { try set(CURLOPT_PASSWORD, password) }
            try set(CURLOPT_MAIL_FROM, "<\(message.mailFrom)>")
            try set(CURLOPT_MAIL_RCPT, recipients)
            try set(CURLOPT_UPLOAD, 1)
            try set(CURLOPT_INFILESIZE_LARGE, size: message.data.count)
            try set(CURLOPT_CONNECTTIMEOUT_MS, Int(message.connectTimeout * 1000))
            try set(CURLOPT_TIMEOUT_MS, Int(message.timeout * 1000))
            try buffers.attach(to: self, reading: true)
            try withExtendedLifetime((buffers, recipients)) { try perform() }
        } catch {
            let code = info(CURLINFO_RESPONSE_CODE)
            throw SMTPFailure(error: error as? CurlError ?? CurlError(code: CURLE_FAILED_INIT, detail: "\(error)"),
                              replyCode: code, replyText: code >= 400 ? SMTPFailure.lastReply(of: code, in: buffers.headerBlock) : nil)
        }
        return SMTPReply(code: info(CURLINFO_RESPONSE_CODE))
    }
}
