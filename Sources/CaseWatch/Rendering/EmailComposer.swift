import Foundation
import InternetMessage

/// Turns a rendered alert into the RFC 5322 message a subscriber receives.
///
/// Every alert of one case threads under one root (`In-Reply-To`/`References` to `<case.<id>@domain>`),
/// the Message-ID is derived from the event and subscriber (the same on every retry, so a receiver can
/// drop a copy), and the unsubscribe link follows RFC 8058.
public struct EmailComposer: Sendable {
    public let from: MailAddress
    /// The right-hand side of the Message-IDs: the sender's own domain.
    public let domain: String

    /// - Throws: ``InputError`` when `email.from` is not an address.
    public init(from: String, file: String) throws(InputError) {
        do {
            self.from = try MailAddress(parsing: from)
        } catch {
            throw InputError([InputProblem(file: file, line: nil, field: "email.from", message: "\(error)")])
        }
        domain = String(self.from.address.split(separator: "@").last ?? "localhost")
    }

    public func messageID(eventID: String, subscriberID: String, generation: Int) -> String {
        "\(eventID).\(subscriberID)\(generation > 0 ? ".r\(generation)" : "")@\(domain)"
    }

    public func threadRoot(caseID: String) -> String {
        "case.\(caseID)@\(domain)"
    }

    /// The whole message. Throws when a value would reach a header with CR, LF or NUL in it.
    public func compose(
        _ alert: RenderedAlert, event: CaseEvent, subscriber: Subscriber, to address: String,
        unsubscribeURL: String?, generation: Int, date: Date
    ) throws(MessageError) -> (messageID: String, bytes: [UInt8]) {
        let id = messageID(eventID: event.id, subscriberID: subscriber.id, generation: generation)
        let root = threadRoot(caseID: event.caseID)
        var message = EmailMessage(
            from: from, to: [try MailAddress(address: address, displayName: subscriber.name)], subject: alert.subject,
            date: date, messageID: id, textBody: alert.text, htmlBody: alert.html.isEmpty ? nil : alert.html)
        message.inReplyTo = root
        message.references = [root]
        message.listUnsubscribe = unsubscribeURL
        message.extraHeaders = [
            ("Auto-Submitted", "auto-generated"),
            ("Content-Language", subscriber.language.rawValue),
            ("X-CaseWatch-Event", "\(event.type.rawValue) \(event.id)"),
        ]
        return (id, try message.encoded(boundarySeed: id))
    }
}
