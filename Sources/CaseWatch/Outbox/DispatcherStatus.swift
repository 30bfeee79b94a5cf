import Foundation

/// The dispatcher at a glance (`casewatch status`).
public struct DispatcherStatus: Sendable, Codable, Equatable {
    public struct Cycle: Sendable, Codable, Equatable {
        public var startedAt: String
        public var finishedAt: String
        public var cases: Int
        public var events: Int

        enum CodingKeys: String, CodingKey {
            case startedAt = "started_at"
            case finishedAt = "finished_at"
            case cases, events
        }
    }

    public struct Suppression: Sendable, Codable, Equatable {
        public var subscriberID: String
        public var channel: Channel
        public var reason: String
        public var since: String

        enum CodingKeys: String, CodingKey {
            case subscriberID = "subscriber_id"
            case channel, reason, since
        }
    }

    public struct Feed: Sendable, Codable, Equatable {
        public var url: String
        public var lastGoodFetch: String?
        public var lastError: String?

        enum CodingKeys: String, CodingKey {
            case url
            case lastGoodFetch = "last_good_fetch"
            case lastError = "last_error"
        }
    }

    public var registrySize: Int
    public var events: Int
    public var lastCycle: Cycle?
    public var queueDepth: Int
    public var deadLetters: Int
    public var delivered: Int
    public var disabledEndpoints: [Suppression]
    public var unsubscribed: Int
    public var feeds: [Feed] = []

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
    }
}
