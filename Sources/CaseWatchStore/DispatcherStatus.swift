import Foundation
import CaseWatchModel
import CaseWatchPipeline

/// The dispatcher at a glance (`casewatch status`).
package struct DispatcherStatus: Sendable, Codable, Equatable {
    package struct Cycle: Sendable, Codable, Equatable {
        package var startedAt: String
        package var finishedAt: String
        package var cases: Int
        package var events: Int

        package init(startedAt: String, finishedAt: String, cases: Int, events: Int) {
            self.startedAt = startedAt
            self.finishedAt = finishedAt
            self.cases = cases
            self.events = events
        }

        enum CodingKeys: String, CodingKey {
            case startedAt = "started_at"
            case finishedAt = "finished_at"
            case cases, events
        }
    }

    package struct Suppression: Sendable, Codable, Equatable {
        package var subscriberID: String
        package var channel: ChannelID
        package var reason: String
        package var since: String

        package init(subscriberID: String, channel: ChannelID, reason: String, since: String) {
            self.subscriberID = subscriberID
            self.channel = channel
            self.reason = reason
            self.since = since
        }

        enum CodingKeys: String, CodingKey {
            case subscriberID = "subscriber_id"
            case channel, reason, since
        }
    }

    package struct Feed: Sendable, Codable, Equatable {
        package var url: String
        package var lastGoodFetch: String?
        package var lastError: String?

        package init(url: String, lastGoodFetch: String?, lastError: String?) {
            self.url = url
            self.lastGoodFetch = lastGoodFetch
            self.lastError = lastError
        }

        enum CodingKeys: String, CodingKey {
            case url
            case lastGoodFetch = "last_good_fetch"
            case lastError = "last_error"
        }
    }

    package var registrySize: Int
    package var events: Int
    package var lastCycle: Cycle?
    package var queueDepth: Int
    package var deadLetters: Int
    package var delivered: Int
    package var disabledEndpoints: [Suppression]
    package var unsubscribed: Int
    package var feeds: [Feed] = []
    /// The nodes sharing the store (PostgreSQL), leader first; nil for a store one process uses at a time.
    package var nodes: [ClusterNode]?

    package init(registrySize: Int, events: Int, lastCycle: Cycle?, queueDepth: Int, deadLetters: Int, delivered: Int,
                 disabledEndpoints: [Suppression], unsubscribed: Int, feeds: [Feed]) {
        self.registrySize = registrySize
        self.events = events
        self.lastCycle = lastCycle
        self.queueDepth = queueDepth
        self.deadLetters = deadLetters
        self.delivered = delivered
        self.disabledEndpoints = disabledEndpoints
        self.unsubscribed = unsubscribed
        self.feeds = feeds
    }

    enum CodingKeys: String, CodingKey {
        case registrySize = "registry_size"
        case events
        case lastCycle = "last_cycle"
        case queueDepth = "queue_depth"
        case deadLetters = "dead_letters"
        case delivered
        case disabledEndpoints = "disabled_endpoints"
        case unsubscribed
        case feeds
        case nodes
    }
}
