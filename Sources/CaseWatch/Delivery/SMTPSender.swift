import Curl
import Foundation

/// E-mail over SMTP through libcurl; one connection per worker, reused across the cycle's messages.
final class SMTPSender: DeliverySender {
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
            switch code {
            case 500..<600: return SendResult(outcome: .permanent(reason: failure.description), code: code)
            default: return SendResult(outcome: .retryable(reason: failure.description), code: code > 0 ? code : nil)
            }
        } catch {
            handle = nil
            return SendResult(outcome: .retryable(reason: "\(error)"), code: nil)
        }
    }
}
