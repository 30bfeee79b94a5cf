import CaseWatchModel
import CaseWatchSources
import CaseWatchStore
import Foundation
import InputFormats

/// The operator's levers on deliveries, shared by the CLI (`outbox retry`, `outbox enable`, `events withdraw`,
/// `subscribers resubscribe`) and the console, so both act the same way.
package struct DeliveryLevers: Sendable {
    package let configuration: Configuration
    package let store: any StateStore

    package init(configuration: Configuration, store: any StateStore) {
        self.configuration = configuration
        self.store = store
    }

    /// Queues one delivery again now, with a fresh retry schedule; nil when there is no such entry.
    package func retry(outboxID: Int64, now: Date) async throws -> OutboxEntry? {
        try await store.requeue(outboxID: outboxID, now: now)
    }

    /// Stops an event's deliveries that have not left yet; nil when there is no such event, else how many stopped.
    package func withdraw(eventID: String, reason: String, now: Date) async throws -> Int? {
        guard try await store.event(id: eventID) != nil else { return nil }
        return try await store.withdraw(eventIDs: [eventID], reason: reason, now: now)
    }

    /// Enables again a subscriber's endpoints that were disabled; returns the channels enabled.
    ///
    /// - Throws: ``InputError`` naming the subscriber files when there is no such subscriber.
    package func enable(subscriberID: String) async throws -> [ChannelID] {
        let subscriber = try subscriber(subscriberID)
        return try await SubscriberOptOuts(store: store).lift(subscriber, channels: subscriber.channels, kinds: [.disabled])
    }

    /// Sends to a subscriber's addresses again: lifts unsubscribes and bounces; returns the channels lifted.
    ///
    /// - Throws: ``InputError`` naming the subscriber files when there is no such subscriber.
    package func resubscribe(subscriberID: String) async throws -> [ChannelID] {
        let subscriber = try subscriber(subscriberID)
        return try await SubscriberOptOuts(store: store).lift(subscriber, channels: subscriber.channels,
                                                              kinds: [.unsubscribed, .bounced])
    }

    private func subscriber(_ id: String) throws -> Subscriber {
        guard let subscriber = SubscriberOptOuts.subscriber(id, configuration: configuration) else {
            throw InputError([InputProblem(file: configuration.subscribersPath, line: nil, field: nil,
                                           message: "no subscriber \"\(id)\"")])
        }
        return subscriber
    }
}
