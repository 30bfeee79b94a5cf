import Dispatch
import Foundation

/// One lane of delivery: a serial Dispatch queue that owns this lane's senders and their connections.
///
/// libcurl's transfers block their thread, so they run here and never on Swift's cooperative pool;
/// `attempt` suspends the calling task until the transfer is done.
final class DeliveryWorker: @unchecked Sendable {
    // Only touched on `queue`, which is what makes the unchecked Sendable sound.
    private let queue: DispatchQueue
    private let settings: DeliverySettings
    private var senders: [Channel: DeliverySender] = [:]

    init(index: Int, settings: DeliverySettings) {
        queue = DispatchQueue(label: "casewatch.delivery.\(index)")
        self.settings = settings
    }

    func attempt(_ job: DeliveryJob, clock: @escaping @Sendable () -> Date) async -> (SendResult, Date, TimeInterval) {
        await withCheckedContinuation { continuation in
            queue.async {
                let started = clock()
                let result = self.sender(for: job.draft.channel).send(job, at: started)
                continuation.resume(returning: (result, started, clock().timeIntervalSince(started)))
            }
        }
    }

    /// Releases this lane's senders (and their connections) on the lane's own thread.
    func close() async {
        await withCheckedContinuation { continuation in
            queue.async {
                self.senders.removeAll()
                continuation.resume()
            }
        }
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
