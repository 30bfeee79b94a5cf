import CaseWatchModel
import CaseWatchSources
import CaseWatchStore
import Foundation

/// A subscriber's opt-outs, which the store keeps per address: unsubscribing (the one-click link, the operator),
/// resubscribing (which also lifts a bounce), enabling an endpoint that was disabled.
package struct SubscriberOptOuts: Sendable {
    package let store: any SuppressionStore

    package init(store: any SuppressionStore) {
        self.store = store
    }

    /// Opts out `subscriber`'s address on each of `channels` it has; returns the channels newly opted out.
    @discardableResult
    package func unsubscribe(_ subscriber: Subscriber, channels: [ChannelID], reason: String, now: Date) async throws
        -> [ChannelID]
    {
        var done: [ChannelID] = []
        for channel in channels {
            guard let address = subscriber.address(on: channel) else { continue }
            let added = try await store.optOut(OptOut(
                channel: channel, address: EndpointAddress.normalized(address, channel: channel), kind: .unsubscribed,
                reason: reason, subscriberID: subscriber.id, since: Timestamp.iso8601(now)))
            if added { done.append(channel) }
        }
        return done
    }

    /// Lifts the opt-outs of `kinds` from `subscriber`'s addresses on `channels`; returns the channels lifted.
    @discardableResult
    package func lift(_ subscriber: Subscriber, channels: [ChannelID], kinds: Set<OptOut.Kind>) async throws
        -> [ChannelID]
    {
        var lifted: [ChannelID] = []
        for channel in channels {
            guard let address = subscriber.address(on: channel) else { continue }
            if try await store.liftOptOut(channel: channel, address: EndpointAddress.normalized(address, channel: channel),
                                          kinds: kinds) {
                lifted.append(channel)
            }
        }
        return lifted
    }

    /// The opt-outs that hold for `subscriber`'s addresses now.
    package func optOuts(of subscriber: Subscriber) async throws -> [OptOut] {
        let addresses = Set(subscriber.channels.compactMap { channel in
            subscriber.address(on: channel).map { "\(channel.rawValue) \(EndpointAddress.normalized($0, channel: channel))" }
        })
        return try await store.optOuts().filter { addresses.contains("\($0.channel.rawValue) \($0.address)") }
    }

    /// The subscriber of `id` in the configuration's subscriber files, read without needing their secrets.
    package static func subscriber(_ id: String, configuration: Configuration) -> Subscriber? {
        SubscriberDirectory(configuration: configuration).load(environment: nil)
            .subscribers.first { $0.id == id }
    }
}
