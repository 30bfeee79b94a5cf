import CaseWatchChannels
import CaseWatchModel
import Foundation

/// A channel whose transports send nothing: they record every entry they are given and answer with the outcome
/// `answer` gives for it (delivered by default), so delivery runs get unit tests without a peer.
package struct RecordingChannel: AlertChannel {
    package let id: ChannelID
    package let log: SendLog
    private let answer: @Sendable (DeliveryJob) -> DeliveryOutcome

    package init(id: ChannelID, log: SendLog = SendLog(),
                 answer: @escaping @Sendable (DeliveryJob) -> DeliveryOutcome = { _ in .delivered(detail: "recorded") }) {
        self.id = id
        self.log = log
        self.answer = answer
    }

    package var limits: ChannelLimits { ChannelLimits() }

    package func compose(_ event: CaseEvent, for subscriber: Subscriber, in context: inout ComposeContext) throws
        -> OutboxDraft?
    {
        nil
    }

    package func preview(_ draft: OutboxDraft, at date: Date) -> String {
        String(decoding: draft.payload, as: UTF8.self)
    }

    package func makeTransport() -> any ChannelTransport {
        RecordingTransport(log: log, answer: answer)
    }
}

/// What the recording transports of one channel were given, in the order they sent it.
package final class SendLog: @unchecked Sendable {  // `jobs` is guarded by `lock`
    private let lock = NSLock()
    private var jobs: [DeliveryJob] = []

    package init() {}

    package var sent: [DeliveryJob] { lock.withLock { jobs } }

    func add(_ job: DeliveryJob) { lock.withLock { jobs.append(job) } }
}

final class RecordingTransport: ChannelTransport {
    private let log: SendLog
    private let answer: @Sendable (DeliveryJob) -> DeliveryOutcome

    init(log: SendLog, answer: @escaping @Sendable (DeliveryJob) -> DeliveryOutcome) {
        self.log = log
        self.answer = answer
    }

    func send(_ job: DeliveryJob, at now: Date) -> SendResult {
        log.add(job)
        return SendResult(outcome: answer(job))
    }
}
