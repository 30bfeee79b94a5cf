import Foundation

/// One lane of delivery: its own senders and their connections (curl handles), used only by the lane's
/// thread — which is what makes the unchecked `Sendable` sound.
final class DeliveryLane: @unchecked Sendable {
    let index: Int
    private let settings: DeliverySettings
    private var senders: [Channel: DeliverySender] = [:]

    init(index: Int, settings: DeliverySettings) {
        self.index = index
        self.settings = settings
    }

    /// Blocking: performs the whole transfer on the calling (lane) thread.
    func send(_ job: DeliveryJob, at now: Date) -> SendResult {
        sender(for: job.draft.channel).send(job, at: now)
    }

    /// Releases the senders; closing a handle may wait for the server's goodbye (SMTP QUIT).
    func close() {
        senders.removeAll()
    }

    private func sender(for channel: Channel) -> DeliverySender {
        if let sender = senders[channel] { return sender }
        let sender: DeliverySender
        switch (channel, settings.email, settings.webhooks) {
        case (.email, .smtp(let smtp), _): sender = SMTPSender(settings: smtp)
        case (.email, .file(let directory), _): sender = MailFileSender(directory: directory)
        case (.webhook, _, .http(let timeout)): sender = WebhookSender(timeout: timeout, environment: settings.environment)
        case (.webhook, _, .file(let directory)):
            sender = WebhookFileSender(directory: directory, environment: settings.environment)
        }
        senders[channel] = sender
        return sender
    }
}
