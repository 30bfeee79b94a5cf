import Foundation

/// Where a digest subscriber stands: the last slot sent for, and the last event it covered.
package struct DigestState: Sendable, Equatable {
    package var subscriberID: String
    package var lastSlotAt: Date
    /// Events with a larger sequence number go into the next digest.
    package var lastEventSeq: Int64

    package init(subscriberID: String, lastSlotAt: Date, lastEventSeq: Int64) {
        self.subscriberID = subscriberID
        self.lastSlotAt = lastSlotAt
        self.lastEventSeq = lastEventSeq
    }
}

/// When a digest subscriber's next message is due. Pure, driven by the time it is given.
package enum DigestSchedule {
    /// The latest slot of `schedule` that has come since `state.lastSlotAt`, or nil when none has.
    ///
    /// Slots missed while CaseWatch was not running are not sent one by one: the latest due slot gets one
    /// digest holding every event since the last one, so nothing is skipped and nothing is sent twice.
    package static func dueSlot(_ schedule: CronSchedule, timeZone: TimeZone, state: DigestState, now: Date) -> Date? {
        guard var slot = schedule.nextSlot(after: state.lastSlotAt, in: timeZone), slot <= now else { return nil }
        // Bounded: a schedule fires at most once a minute, and a long outage is walked in one pass.
        for _ in 0..<100_000 {
            guard let next = schedule.nextSlot(after: slot, in: timeZone), next <= now else { break }
            slot = next
        }
        return slot
    }
}
