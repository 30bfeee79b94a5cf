import CaseWatchModel
/// Matches events against subscribers' filters. Pure: the same inputs always give the same routes.
package enum Router {
    /// The subscribers `event` goes to, in the order given, each with the channels still open to it.
    package static func routes(for event: CaseEvent, subscribers: [Subscriber], suppressions: Suppressions = .init())
        -> [Route]
    {
        subscribers.compactMap { subscriber in
            guard let reasons = match(event, subscriber.filter) else { return nil }
            let channels = subscriber.channels.filter {
                !suppressions.contains(subscriberID: subscriber.id, channel: $0)
            }
            guard !channels.isEmpty else { return nil }
            return Route(subscriber: subscriber, channels: channels, reasons: reasons)
        }
    }

    /// The reasons `filter` accepts `event`, or nil when a key rejects it.
    package static func match(_ event: CaseEvent, _ filter: SubscriberFilter) -> [String]? {
        let legalCase = event.snapshot
        var reasons: [String] = []
        func check<Value: Equatable>(_ name: String, _ accepted: [Value]?, _ actual: [Value], _ text: (Value) -> String)
            -> Bool
        {
            guard let accepted, !accepted.isEmpty else { return true }
            guard let hit = actual.first(where: accepted.contains) else { return false }
            reasons.append("\(name): \(text(hit))")
            return true
        }
        guard check("countries", filter.countries, [legalCase.country], { $0 }),
              check("types", filter.types, [legalCase.type], \.rawValue),
              check("events", filter.events, [event.type], \.rawValue),
              check("statuses", filter.statuses, [legalCase.status], \.rawValue),
              check("cases", filter.cases, [legalCase.id], { $0 }),
              check("tags", filter.tags, legalCase.tags, { $0 })
        else { return nil }
        return reasons.isEmpty ? ["no filter: every event"] : reasons
    }
}
