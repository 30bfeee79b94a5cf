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

/// An SMTP transfer that failed: curl's error and the server's last reply code, 0 when none came.
public struct SMTPFailure: Error, Sendable, CustomStringConvertible {
    public let error: CurlError
    public let replyCode: Int

    public var description: String {
        replyCode > 0 ? "SMTP \(replyCode): \(error)" : "\(error)"
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
            throw SMTPFailure(error: error as? CurlError ?? CurlError(code: CURLE_FAILED_INIT, detail: "\(error)"),
                              replyCode: info(CURLINFO_RESPONSE_CODE))
        }
        return SMTPReply(code: info(CURLINFO_RESPONSE_CODE))
    }
}
