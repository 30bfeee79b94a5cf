import CaseWatchModel
import CaseWatchPipeline
import CaseWatchStore
import Foundation

extension StoreConformance {
    static let outboxChecks: [Check] = [
        Check(name: "enqueueing the same entry twice keeps one, with its first payload") { store in
            try await store.enqueue([Fixture.webhook("a"), Fixture.webhook("b")], now: Fixture.now)
            var again = Fixture.webhook("a")
            again.payload = Array("changed".utf8)
            try await store.enqueue([again, Fixture.webhook("a", generation: 1)], now: Fixture.now)
            let entries = try await store.outboxEntries(states: nil, limit: 100)
            try expectEqual(entries.count, 3, "entries")
            try expectEqual(entries.map(\.subscriberID), ["a", "b", "a"], "newest first")
            let jobs = try await claimAll(store, at: Fixture.now)
            try expectEqual(jobs.first { $0.draft.subscriberID == "a" && $0.draft.generation == 0 }?.draft.payload,
                            Fixture.webhook("a").payload, "the first payload")
        },
        Check(name: "a streamed enqueue that fails keeps none of its chunks") { store in
            struct Refused: Error {}
            do {
                _ = try await store.enqueue(now: Fixture.now) { enqueue in
                    try enqueue([Fixture.webhook("a")])
                    throw Refused()
                }
                try expect(false, "the producer's error was swallowed")
            } catch is Refused {}
            try expectEqual(try await store.outboxEntries(states: nil, limit: 100).count, 0, "entries after a failed plan")
            let count = try await store.enqueue(now: Fixture.now) { enqueue in
                try enqueue([Fixture.webhook("a"), Fixture.webhook("b")])
                try enqueue([Fixture.webhook("c")])
            }
            try expectEqual(count, 3, "entries produced")
            try expectEqual(try await store.status().queueDepth, 3, "queue depth")
        },
        Check(name: "a streamed enqueue of many chunks writes every one of them, in order") { store in
            let count = try await store.enqueue(now: Fixture.now) { enqueue in
                for chunk in 0..<12 { try enqueue((0..<25).map { Fixture.webhook("s\(chunk)-\($0)") }) }
            }
            try expectEqual(count, 300, "entries produced")
            let entries = try await store.outboxEntries(states: nil, limit: 1_000)
            try expectEqual(Set(entries.map(\.subscriberID)).count, 300, "distinct entries")
            let newest = entries.max { $0.id < $1.id }
            try expectEqual(newest?.subscriberID, "s11-24", "the last chunk's last draft is the newest entry")
        },
        Check(name: "entries of one event and generation, oldest first; the next generation is one more") { store in
            try await store.enqueue([Fixture.webhook("a", event: "evt_x"), Fixture.email("b", event: "evt_x"),
                                     Fixture.webhook("a", event: "evt_y")], now: Fixture.now)
            let entries = try await store.outboxEntries(eventID: "evt_x", generation: 0)
            try expectEqual(entries.map(\.channel), [.webhook, .email], "channels of evt_x")
            try expectEqual(try await store.nextGeneration(eventID: "evt_x"), 1, "next generation")
            try expectEqual(try await store.nextGeneration(eventID: "evt_none"), 0, "next generation of a new event")
        },
    ]

    static let claimChecks: [Check] = [
        Check(name: "a session hands out due entries oldest first, each once, none due after its cutoff") { store in
            try await store.enqueue([Fixture.webhook("a")], now: Fixture.now)
            try await store.enqueue([Fixture.webhook("b")], now: Fixture.now.addingTimeInterval(1))
            try await store.enqueue([Fixture.webhook("late")], now: Fixture.now.addingTimeInterval(100))
            let session = store.claims(dueAt: Fixture.now.addingTimeInterval(10), owner: "conformance")
            let claims = try await onLaneThread { [try session.claim(limit: 1), try session.claim(limit: 5),
                                                   try session.claim(limit: 5)] }
            try expectEqual(claims[0].map(\.draft.subscriberID), ["a"], "first claim")
            try expectEqual(claims[1].map(\.draft.subscriberID), ["b"], "second claim")
            try expectEqual(claims[2].count, 0, "nothing left")
        },
        Check(name: "an entry stays due until its outcome is recorded: a later session hands it out again") { store in
            try await store.enqueue([Fixture.webhook("a"), Fixture.webhook("b")], now: Fixture.now)
            let first = try await claimAll(store, at: Fixture.now)
            try expectEqual(first.count, 2, "claimed")
            try await complete(store, at: Fixture.now, [
                Fixture.attempt(first[0], .delivered(detail: "HTTP 204")),
            ])
            // After a crash (and, where the engine leases claims, once the lease has run out): what was in flight.
            try expectEqual(try await claimAll(store, at: Fixture.now.addingTimeInterval(3_600)).map(\.draft.subscriberID),
                            ["b"], "after a crash, what was in flight")
        },
        Check(name: "outcomes move entries: delivered, retrying later with the reason, dead; attempts logged") { store in
            try await store.enqueue(["d", "r", "p"].map { Fixture.webhook($0) }, now: Fixture.now)
            let jobs = try await claimAll(store, at: Fixture.now)
            try await complete(store, at: Fixture.now, [
                Fixture.attempt(jobs[0], .delivered(detail: "HTTP 204")),
                Fixture.attempt(jobs[1], .retryable(reason: "HTTP 500")),
                Fixture.attempt(jobs[2], .permanent(reason: "SMTP 550")),
            ])
            let entries = Dictionary(uniqueKeysWithValues: try await store.outboxEntries(states: nil, limit: 10)
                .map { ($0.subscriberID, $0) })
            try expectEqual(entries["d"]?.state, .delivered, "delivered")
            try expectEqual(entries["d"]?.lastError, nil, "no error on a delivery")
            try expectEqual(entries["r"]?.state, .retrying, "retrying")
            try expectEqual(entries["r"]?.lastError, "HTTP 500", "the reason kept")
            try expectEqual(entries["r"]?.nextAttemptAt, Fixture.now.addingTimeInterval(60), "the next attempt")
            try expectEqual(entries["r"]?.attempts, 1, "attempts")
            try expectEqual(entries["p"]?.state, .dead, "dead letter")
            try expectEqual(try await claimAll(store, at: Fixture.now.addingTimeInterval(30)).count, 0, "nothing due yet")
            try expectEqual(try await claimAll(store, at: Fixture.now.addingTimeInterval(60)).map(\.attempts), [1],
                            "the retry, with its attempts")
            let log = try await store.attempts(outboxID: jobs[1].outboxID)
            try expectEqual(log.map(\.outcome), ["retryable"], "attempt log")
            try expectEqual(log.first?.detail, "HTTP 500", "attempt detail")
        },
        Check(name: "an endpoint that refuses for good is switched off on its channel, and its queued entries are settled")
        { store in
            try await store.enqueue([Fixture.webhook("gone"), Fixture.email("gone")], now: Fixture.now)
            try await store.enqueue([Fixture.webhook("gone", event: "evt_2")], now: Fixture.now.addingTimeInterval(1))
            let jobs = try await claim(store, at: Fixture.now, limit: 1)
            try await complete(store, at: Fixture.now, [
                Fixture.attempt(jobs[0], .gone(reason: "HTTP 410")),
            ])
            let suppressions = try await store.suppressions()
            try expect(suppressions.contains(address: "https://hooks.example.org/gone", channel: .webhook),
                       "the webhook is switched off")
            try expect(!suppressions.contains(address: "gone@example.org", channel: .email), "e-mail stays on")
            try expectEqual(try await store.optOuts().map(\.kind), [.disabled], "kept as disabled")
            let rest = try await claimAll(store, at: Fixture.now.addingTimeInterval(1))
            try expectEqual(rest.map(\.draft.channel), [.email], "only the e-mail is handed out")
            let dead = try await store.outboxEntries(states: [.dead], limit: 10)
            try expectEqual(dead.map(\.lastError), ["not sent: HTTP 410", "HTTP 410"], "dead letters, newest first")
            let status = try await store.status()
            try expectEqual(status.disabledEndpoints.map(\.channel), [.webhook], "disabled endpoints")
        },
        Check(name: "more switched-off entries than a claim takes: the claim still hands out the rest") { store in
            try await store.enqueue((0..<10).map { Fixture.webhook("gone", event: "evt_\($0)") }, now: Fixture.now)
            try await store.enqueue(["a", "b", "c"].map { Fixture.webhook($0) }, now: Fixture.now.addingTimeInterval(1))
            _ = try await store.optOut(OptOut(channel: .webhook, address: "https://hooks.example.org/gone", kind: .disabled,
                                              reason: "HTTP 410", since: Timestamp.iso8601(Fixture.now)))
            let session = store.claims(dueAt: Fixture.now.addingTimeInterval(2), owner: "conformance")
            let handed = try await drain(session, limit: 4).map(\.draft.subscriberID)
            try expectEqual(handed, ["a", "b", "c"], "handed out")
            try expectEqual(try await store.status().deadLetters, 10, "settled as dead letters")
        },
        Check(name: "rescuing expired leases loses nothing and hands nothing out twice") { store in
            try await store.enqueue([Fixture.webhook("a")], now: Fixture.now)
            let rescued = try await store.rescueExpiredLeases(now: Fixture.now.addingTimeInterval(3600))
            try expect(rescued >= 0, "a count")
            try expectEqual(try await claimAll(store, at: Fixture.now).count, 1, "still due once")
        },
    ]
}
