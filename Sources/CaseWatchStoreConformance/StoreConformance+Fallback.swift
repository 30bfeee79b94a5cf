import CaseWatchModel
import CaseWatchPipeline
import CaseWatchStore
import Foundation

/// `channels:` after queueing: every engine finds the alerts stranded on an endpoint disabled after they were
/// queued, and moves each on once.
extension StoreConformance {
    static let fallbackChecks: [Check] = [
        Check(name: "entries stranded on a disabled endpoint are found for listed channels only, and fall back once") { store in
            let later = Fixture.now.addingTimeInterval(60)
            var queuedLater = Fixture.webhook("a", event: "evt_2")
            queuedLater.dueAt = later
            try await store.enqueue([Fixture.webhook("a"), queuedLater, Fixture.webhook("b"), Fixture.webhook("c")],
                                    now: Fixture.now)
            // a and b meet a 410 (b lists no channels); c's entry was a dead letter before its endpoint was disabled.
            let first = try await claimAll(store, at: Fixture.now)
            try expectEqual(first.map(\.draft.subscriberID).sorted(), ["a", "b", "c"], "due first")
            try await complete(store, at: Fixture.now, first.map { job in
                Fixture.attempt(job, job.draft.subscriberID == "c" ? .permanent(reason: "HTTP 400")
                                                                   : .gone(reason: "HTTP 410"))
            })
            let afterwards = Timestamp.iso8601(Date().addingTimeInterval(3600))
            _ = try await store.optOut(OptOut(channel: .webhook, address: "https://hooks.example.org/c", kind: .disabled,
                                              reason: "failing", since: afterwards))
            // a's second entry, queued behind the first, is settled unsent when it comes due.
            try expectEqual(try await claimAll(store, at: later).count, 0, "the entry behind a disabled endpoint is not sent")
            let listed: [String: Set<ChannelID>] = ["a": [.webhook, .email], "c": [.webhook, .email], "x": [.email]]
            let stranded = try await store.strandedEntries(listed: listed, limit: 10)
            try expectEqual(stranded.map(\.eventID), ["evt_1", "evt_2"], "a's two alerts, oldest first")
            try expectEqual(Set(stranded.map(\.subscriberID)), ["a"], "only a's: b lists nothing, c's came before")
            try expectEqual(stranded[0].recipient, "https://hooks.example.org/a", "the address it was queued for")
            try expectEqual(stranded[0].channel, .webhook, "its channel")
            try expectEqual(try await store.strandedEntries(listed: listed, limit: 1).map(\.eventID), ["evt_1"], "limit")
            try expectEqual(try await store.strandedEntries(listed: ["a": [.email]], limit: 10).count, 0,
                            "a channel outside the list")

            var onward = Fixture.email("a")
            onward.generation = 1
            try expect(try await store.fallBack(from: stranded[0].outboxID, to: [onward], now: later),
                       "the first fall-back")
            try expect(!(try await store.fallBack(from: stranded[0].outboxID, to: [onward], now: later)),
                       "a second fall-back of the same entry is refused")
            let mails = try await store.outboxEntries(eventID: "evt_1", generation: 1)
            try expectEqual(mails.map(\.channel), [.email], "the alert queued once on the next channel")
            try expectEqual(mails.first?.state, .pending, "due")
            try expectEqual(try await store.strandedEntries(listed: listed, limit: 10).map(\.eventID), ["evt_2"],
                            "the entry fallen back is not found again")
            try expect(try await store.fallBack(from: stranded[1].outboxID, to: [], now: later),
                       "nothing to queue is marked too")
            try expectEqual(try await store.strandedEntries(listed: listed, limit: 10).count, 0, "none left")
        },
    ]
}
