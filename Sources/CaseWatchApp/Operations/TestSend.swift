import CaseWatchChannels
import CaseWatchModel
import CaseWatchSources
import CaseWatchStore
import Foundation
import InputFormats

/// `send-test`: a real message marked as a test (``TestMessage``) to each of a subscriber's channels, through the
/// configured transports and signed as alerts are, sent at once and recorded nowhere: no event, no outbox entry.
///
/// The operator asks for it explicitly, yet an address whose person was erased is never written to, and one that
/// unsubscribed, bounced or was disabled gets it only when the operator insists (`force`).
package struct TestSend: Sendable {
    package let configuration: Configuration
    package let environment: ProcessEnvironment

    package init(configuration: Configuration, environment: ProcessEnvironment) {
        self.configuration = configuration
        self.environment = environment
    }

    /// What happened on one channel.
    package struct Report: Sendable, Equatable {
        package enum Outcome: Sendable, Equatable {
            case delivered(String)
            /// Not sent: CaseWatch would not (an erased or opted-out address).
            case refused(String)
            /// Sent, and the receiver or the network refused it.
            case failed(String)
        }

        package var channel: ChannelID
        package var recipient: String
        package var outcome: Outcome

        /// `email research-desk@example.org: delivered (250 OK)`.
        package var line: String {
            switch outcome {
            case .delivered(let detail): "\(channel) \(recipient): delivered (\(detail))"
            case .refused(let reason): "\(channel) \(recipient): refused: \(reason)"
            case .failed(let reason): "\(channel) \(recipient): failed: \(reason)"
            }
        }

        package var succeeded: Bool {
            if case .delivered = outcome { true } else { false }
        }
    }

    /// Sends the test to `subscriberID` on `channel` (every channel they have when nil), one after the other.
    ///
    /// - Throws: ``InputError`` when the subscriber does not exist or lacks `channel`, or a transport's secret is
    ///   missing.
    package func send(subscriberID: String, channel: ChannelID? = nil, force: Bool, store: any SuppressionStore,
                      now: Date = Date()) async throws -> [Report]
    {
        let inputs = try await PipelineInputs.load(configuration: configuration, environment: environment)
        guard let subscriber = inputs.subscribers.first(where: { $0.id == subscriberID }) else {
            throw InputError([InputProblem(file: configuration.subscribersPath, line: nil, field: "--subscriber",
                                           message: "no subscriber \(subscriberID)")] + inputs.skippedSubscribers)
        }
        let channels = try ChannelPreview.selected(channel, of: subscriber)
        let registry = try configuration.channels(environment: environment, composer: inputs.composer)
        let suppressions = try await store.suppressions()
        let optOuts = try await SubscriberOptOuts(store: store).optOuts(of: subscriber)
        let message = TestMessage(subscriber: subscriber, sentAt: now)
        var reports: [Report] = []
        for id in channels {
            guard let draft = try message.draft(on: id, composer: inputs.composer), let channel = registry[id] else {
                continue
            }
            let recipient = draft.channel == .webhook || draft.channel == .matrix
                ? EndpointAddress.shown(draft.recipient) : draft.recipient
            if suppressions.contains(subscriber, channel: id) {
                let address = EndpointAddress.normalized(subscriber.address(on: id) ?? "", channel: id)
                guard let optOut = optOuts.first(where: { $0.channel == id && $0.address == address }) else {
                    reports.append(Report(channel: id, recipient: recipient, outcome: .refused(
                        "this address's person was erased (subscribers erase): CaseWatch never writes to it again")))
                    continue
                }
                if !force {
                    reports.append(Report(channel: id, recipient: recipient, outcome: .refused(
                        "\(Self.describe(optOut.kind)) since \(optOut.since) (\(optOut.reason)); --force sends anyway")))
                    continue
                }
            }
            let job = DeliveryJob(outboxID: 0, draft: draft, attempts: 0)
            let result = await Blocking.run { channel.makeTransport().send(job, at: now) }
            let outcome: Report.Outcome = switch result.outcome {
            case .delivered(let detail): .delivered(detail.isEmpty ? "\(result.code.map(String.init) ?? "ok")" : detail)
            case .retryable(let reason, _), .permanent(let reason), .gone(let reason), .bounced(let reason):
                .failed("\(result.outcome.label): \(reason)")
            }
            reports.append(Report(channel: id, recipient: recipient, outcome: outcome))
        }
        return reports
    }

    static func describe(_ kind: OptOut.Kind) -> String {
        switch kind {
        case .unsubscribed: "unsubscribed"
        case .bounced: "bounced (subscribers resubscribe lifts it)"
        case .disabled: "disabled (outbox enable lifts it)"
        case .erased: "erased"
        }
    }
}
