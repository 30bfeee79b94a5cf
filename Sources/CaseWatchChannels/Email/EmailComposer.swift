import Foundation
import InternetMessage
import CaseWatchModel
import CaseWatchRendering
import InputFormats

/// Turns a rendered alert into the RFC 5322 message a subscriber receives.
///
/// Every alert of one case threads under one root (`In-Reply-To`/`References` to `<case.<id>@domain>`),
/// the Message-ID is derived from the event and subscriber (the same on every retry, so a receiver can
/// drop a copy), and the unsubscribe link follows RFC 8058.
package struct EmailComposer: Sendable {
    package let from: MailAddress
    /// The right-hand side of the Message-IDs: the sender's own domain.
    package let domain: String
    /// `List-Id` (RFC 2919), on every message: `email.list_id`, or one made from `from` (see ``ListID``).
    package let listID: String

    /// - Parameter listID: `email.list_id`, checked when the configuration was read; nil for the one made from
    ///   `from`.
    /// - Throws: ``InputError`` when `email.from` is not an address.
    package init(from: String, listID: String? = nil, file: String) throws(InputError) {
        do {
            self.from = try MailAddress(parsing: from)
        } catch {
            throw InputError([InputProblem(file: file, line: nil, field: "email.from", message: "\(error)")])
        }
        domain = String(self.from.address.split(separator: "@").last ?? "localhost")
        self.listID = listID ?? ListID.derived(from: self.from)
    }

    package func messageID(eventID: String, subscriberID: String, generation: Int) -> String {
        "\(eventID).\(subscriberID)\(generation > 0 ? ".r\(generation)" : "")@\(domain)"
    }

    package func threadRoot(caseID: String) -> String {
        "case.\(caseID)@\(domain)"
    }

    /// The whole message of one event's alert. Throws when a value would reach a header with CR, LF or NUL.
    package func compose(
        _ alert: RenderedAlert, event: CaseEvent, subscriber: Subscriber, to address: String,
        unsubscribeURL: String?, generation: Int, date: Date
    ) throws(MessageError) -> (messageID: String, bytes: [UInt8]) {
        let composed = try compose(alert, event: event, subscriber: subscriber, to: address,
                                   unsubscribeURL: unsubscribeURL, generation: generation, date: date, bodies: nil)
        return (composed.messageID, composed.bytes)
    }

    /// The same message; with `bodies`, also where it repeats the lines of its body that alerts rendered from the
    /// same stencil share: `bodies` remembers their encoded bodies, so that only what differs between readers is
    /// encoded again (see `BodyEncodingCache`), and the store keeps the shared lines once (see `SharedRun`).
    func compose(
        _ alert: RenderedAlert, event: CaseEvent, subscriber: Subscriber, to address: String,
        unsubscribeURL: String?, generation: Int, date: Date, bodies: BodyEncodingCache?, companions: [String] = []
    ) throws(MessageError) -> (messageID: String, bytes: [UInt8], sharedRuns: [SharedRun]) {
        let id = messageID(eventID: event.id, subscriberID: subscriber.id, generation: generation)
        let tag = ([event.type.rawValue, event.id] + companions).joined(separator: " ")
        var message = try message(alert, subscriber: subscriber, to: address, messageID: id,
                                  threadRoot: threadRoot(caseID: event.caseID), tag: tag,
                                  unsubscribeURL: unsubscribeURL, date: date)
        if let original = event.change.corrects {
            // A correction threads under the message it corrects (the first delivery's: replays are new messages).
            let corrected = messageID(eventID: original, subscriberID: subscriber.id, generation: 0)
            message.inReplyTo = corrected
            message.references = [threadRoot(caseID: event.caseID), corrected]
        }
        guard let bodies else { return (id, try message.encoded(boundarySeed: id), []) }
        let encoding = try message.encodedSharing(boundarySeed: id, reusing: bodies)
        return (id, encoding.bytes, encoding.runs)
    }

    /// The whole message; `threadRoot` threads it under a case, `tag` names what it carries.
    package func compose(
        _ alert: RenderedAlert, subscriber: Subscriber, to address: String, messageID: String, threadRoot: String?,
        tag: String, unsubscribeURL: String?, date: Date
    ) throws(MessageError) -> [UInt8] {
        try message(alert, subscriber: subscriber, to: address, messageID: messageID, threadRoot: threadRoot, tag: tag,
                    unsubscribeURL: unsubscribeURL, date: date).encoded(boundarySeed: messageID)
    }

    private func message(
        _ alert: RenderedAlert, subscriber: Subscriber, to address: String, messageID: String, threadRoot: String?,
        tag: String, unsubscribeURL: String?, date: Date
    ) throws(MessageError) -> EmailMessage {
        var message = EmailMessage(
            from: from, to: [try MailAddress(address: address, displayName: subscriber.name)], subject: alert.subject,
            date: date, messageID: messageID, textBody: alert.text, htmlBody: alert.html.isEmpty ? nil : alert.html)
        if let threadRoot {
            message.inReplyTo = threadRoot
            message.references = [threadRoot]
        }
        message.listUnsubscribe = unsubscribeURL
        message.extraHeaders = [
            ("List-Id", listID),
            ("Auto-Submitted", "auto-generated"),
            ("Content-Language", subscriber.language.rawValue),
            ("X-CaseWatch", tag),
        ]
        return message
    }
}
