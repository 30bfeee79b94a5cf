import CaseWatchModel
/// Matches events against subscribers' filters. Pure: the same inputs always give the same routes.
package enum Router {
    /// The subscribers `event` goes to, in the order given, each with the channels still open to it.
    ///
    /// A correction goes to the recipients of the event it corrects (`recipients` gives them by event id),
    /// whatever their filters say now.
    package static func routes(for event: CaseEvent, subscribers: [Subscriber], suppressions: Suppressions = .init(),
                               recipients: [String: Set<String>] = [:]) -> [Route]
    {
        subscribers.compactMap { subscriber in
            // A subscriber who paused their alerts gets none of what is detected before the pause ends.
            if let until = subscriber.pausedUntil, event.detectedAt < until { return nil }
            let reasons: [String]
            if event.type == .corrected {
                guard let original = event.change.corrects, recipients[original]?.contains(subscriber.id) == true else {
                    return nil
                }
                reasons = ["received \(original), which this corrects"]
            } else {
                guard let matched = match(event, subscriber.filter) else { return nil }
                reasons = matched
            }
            // With `channels:`, the first usable channel of the list (see ``ChannelFallback``).
            let channels = subscriber.deliveryChannels(suppressions: suppressions)
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
        // A step event matches `statuses` by the step's status, one of its effects, or the case's new status;
        // events about no step pass.
        let statuses: [CaseStatus]? = event.change.step.map { step in
            [step.status] + step.effects + [legalCase.status]
        }
        guard !filter.unfollowed.contains(legalCase.id),
              check("countries", filter.countries, [legalCase.country], { $0 }),
              check("types", filter.types, [legalCase.type], \.rawValue),
              check("events", filter.events, [event.type], \.rawValue),
              statuses.map({ check("statuses", filter.statuses, $0, \.rawValue) }) ?? true,
              check("cases", filter.cases, [legalCase.id], { $0 }),
              check("tags", filter.tags, legalCase.tags, { $0 })
        else { return nil }
        return reasons.isEmpty ? ["no filter: every event"] : reasons
    }
}
