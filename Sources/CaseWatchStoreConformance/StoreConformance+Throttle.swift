import CaseWatchModel
import CaseWatchPipeline
import CaseWatchStore
import Foundation

/// Per-endpoint rates: every engine keeps the slots where every process on it sees them, and puts deliveries off
/// without an attempt.
extension StoreConformance {
    static let throttleChecks: [Check] = [
        Check(name: "throttle slots are kept: a burst to one endpoint is spaced, a slot beyond the horizon reserves nothing") { store in
            let throttle = try require(store as? any ThrottleStore, "the engine keeps throttle slots")
            let hook = ThrottleRequest(endpoint: ThrottleRule(key: ThrottleRule.key("webhook https://h.example.org"),
                                                              rate: .perSecond(5)))
            let other = ThrottleRequest(endpoint: ThrottleRule(key: ThrottleRule.key("webhook https://o.example.org"),
                                                               rate: .perSecond(5)))
            let decisions = try await onLaneThread {
                try (0..<3).map { _ in try throttle.throttle(hook, now: Fixture.now, horizon: 0.3, reserved: nil) }
                    + [try throttle.throttle(other, now: Fixture.now, horizon: 0.3, reserved: nil)]
            }
            let spacing = Throttle.spacing(of: .perSecond(5))
            /// Within a microsecond: the engines keep slots as seconds since 1970.
            func near(_ date: Date?, _ seconds: Double) -> Bool {
                date.map { abs($0.timeIntervalSince(Fixture.now) - seconds) < 1e-6 } ?? false
            }
            try expectEqual(decisions[0], .send, "the first of the burst")
            guard case .wait(let until, let reserved) = decisions[1], near(until, spacing), near(reserved, spacing) else {
                throw ConformanceFailure(message: "the second waits for the next slot: \(decisions[1])", line: #line)
            }
            guard case .postpone(let later) = decisions[2], near(later, 2 * spacing) else {
                throw ConformanceFailure(message: "the third is put off: \(decisions[2])", line: #line)
            }
            try expectEqual(decisions[3], .send, "another endpoint")
            // The third reserved nothing: asked again at its slot, it is the one that goes.
            let again = try await onLaneThread {
                try throttle.throttle(hook, now: Fixture.now.addingTimeInterval(2 * spacing + 1e-3), horizon: 0.3,
                                      reserved: nil)
            }
            try expectEqual(again, .send, "at the slot it was put off to")
        },
        Check(name: "a postponed entry keeps its state and attempts, is not claimed before its slot, and comes due then") { store in
            let throttle = try require(store as? any ThrottleStore, "the engine puts deliveries off")
            try await store.enqueue([Fixture.webhook("a")], now: Fixture.now)
            let until = Fixture.now.addingTimeInterval(30)
            try await onLaneThread {
                let session = store.claims(dueAt: Fixture.now, owner: "conformance")
                let job = try session.claim(limit: 1)[0]
                try throttle.postpone([Postponement(outboxID: job.outboxID, until: until)], owner: "conformance")
            }
            let entry = try require(try await store.outboxEntries(states: nil, limit: 1).first, "the entry")
            try expectEqual(entry.state, .pending, "state")
            try expectEqual(entry.attempts, 0, "attempts")
            try expectEqual(entry.nextAttemptAt, until, "due at its slot")
            try expectEqual(try await store.attempts(outboxID: entry.id).count, 0, "no attempt logged")
            try expectEqual(try await claimAll(store, at: until.addingTimeInterval(-1)).count, 0, "not before its slot")
            try expectEqual(try await claimAll(store, at: until).map(\.draft.subscriberID), ["a"], "due at its slot")
        },
    ]
}
