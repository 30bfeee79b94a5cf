import Curl
import Foundation
import CaseWatchModel

/// E-mail over SMTP through libcurl; one connection per worker, reused across the cycle's messages.
final class SMTPTransport: ChannelTransport {
    /// A 5xx about this message or its recipient (RCPT, DATA) is final for it. A 5xx anywhere else — a
    /// refused login, a relay that wants STARTTLS, a refused sender — is the relay's or the
    /// configuration's problem, not the alert's: it is retried, so fixing it delivers everything.
    static func refusesRecipient(_ failure: SMTPFailure) -> Bool {
        guard (500..<600).contains(failure.replyCode), !failure.error.isLoginDenied else { return false }
        let detail = failure.error.detail
        return !(detail.hasPrefix("MAIL failed") || detail.contains("STARTTLS") || detail.contains("AUTH")
            || detail.contains("Got unexpected smtp-server response") || detail.contains("Weird server reply"))
    }

    private let settings: SMTPSettings
    private var handle: EasyHandle?

    init(settings: SMTPSettings) {
        self.settings = settings
    }

    func send(_ job: DeliveryJob, at now: Date) -> SendResult {
        do {
            let handle = try self.handle ?? EasyHandle()
            self.handle = handle
            let reply = try handle.send(SMTPMessage(
                url: settings.url, security: settings.requireTLS ? .required : .none, username: settings.username,
                password: settings.password, caFile: settings.caFile, mailFrom: settings.envelopeFrom,
                recipients: [job.draft.recipient], data: job.draft.payload, connectTimeout: settings.connectTimeout,
                timeout: settings.timeout))
            return SendResult(outcome: .delivered(detail: "SMTP \(reply.code)"), code: reply.code)
        } catch let failure as SMTPFailure {
            // A failed session may be half-open: start the next message on a fresh connection.
            handle = nil
            let code = failure.replyCode
            let outcome: DeliveryOutcome = Self.refusesRecipient(failure)
                ? .bounced(reason: failure.description) : .retryable(reason: failure.description)
            return SendResult(outcome: outcome, code: code > 0 ? code : nil)
        } catch {
            handle = nil
            return SendResult(outcome: .retryable(reason: "\(error)"), code: nil)
        }
    }
}
