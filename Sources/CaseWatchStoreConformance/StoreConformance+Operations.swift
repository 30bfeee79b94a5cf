import CaseWatchModel
import CaseWatchPipeline
import CaseWatchStore
import Foundation

extension StoreConformance {
    static let eventLogChecks: [Check] = [
        Check(name: "the event log: by case, by day, by id, newest first, after a sequence number") { store in
            let diff = try await Fixture.firstDiff([Fixture.legalCase("a"), Fixture.legalCase("b")])
            _ = try await store.record(DetectionRecord(diff: diff, registrySize: 2, startedAt: Fixture.now,
                                                       finishedAt: Fixture.now))
            let all = try await store.events(caseID: nil, since: nil)
            try expectEqual(all.count, 2, "events")
            try expectEqual(try await store.events(caseID: "b", since: nil).map(\.caseID), ["b"], "by case")
            try expectEqual(try await store.events(caseID: nil, since: CalendarDate("2100-01-01")).count, 0, "by day")
            try expectEqual(try await store.event(id: all[0].id)?.id, all[0].id, "by id")
            try expect(try await store.event(id: "evt_none") == nil, "unknown id")
            try expectEqual(try await store.recordedEventIDs(among: [all[1].id, "evt_none"]), [all[1].id], "known ids")
            try expectEqual(try await store.recentEvents(limit: 1).map(\.id), [all[1].id], "newest first")
            let sequenced = try await store.events(afterSeq: 0)
            try expectEqual(sequenced.map(\.event.id), all.map(\.id), "in order")
            try expectEqual(try await store.events(afterSeq: sequenced[0].seq).map(\.event.id), [all[1].id], "after one")
        },
        Check(name: "digests: a new subscriber starts now and after the newest event; a slot moves on with its entry")
        { store in
            let diff = try await Fixture.firstDiff([Fixture.legalCase("a")])
            _ = try await store.record(DetectionRecord(diff: diff, registrySize: 1, startedAt: Fixture.now,
                                                       finishedAt: Fixture.now))
            let state = try await store.digestState(subscriberID: "reader", now: Fixture.now)
            try expectEqual(state.lastSlotAt, Fixture.now, "starts now")
            try expectEqual(state.lastEventSeq, try await store.events(afterSeq: 0).last?.seq ?? -1, "after the newest")
            let later = Fixture.now.addingTimeInterval(86_400)
            try await store.advanceDigest(
                to: DigestState(subscriberID: "reader", lastSlotAt: later, lastEventSeq: state.lastEventSeq),
                delivery: Fixture.email("reader", event: "digest:1"), now: later)
            try expectEqual(try await store.digestState(subscriberID: "reader", now: Fixture.now).lastSlotAt, later,
                            "moved on")
            try expectEqual(try await store.outboxEntries(eventID: "digest:1", generation: 0).count, 1, "its entry")
        },
    ]

    static let operatorChecks: [Check] = [
        Check(name: "suppressions: added once, lifted once, per channel") { store in
            try expect(try await store.suppress(subscriberID: "a", channel: .email, reason: "unsubscribed",
                                                now: Fixture.now), "added")
            try expect(!(try await store.suppress(subscriberID: "a", channel: .email, reason: "again",
                                                  now: Fixture.now)), "already there")
            try expect(try await store.suppressions().contains(subscriberID: "a", channel: .email), "in place")
            try expect(!(try await store.suppressions().contains(subscriberID: "a", channel: .webhook)), "per channel")
            try expectEqual(try await store.status().unsubscribed, 1, "unsubscribed")
            try expect(try await store.unsuppress(subscriberID: "a", channel: .email), "lifted")
            try expect(!(try await store.unsuppress(subscriberID: "a", channel: .email)), "nothing to lift")
        },
        Check(name: "requeue: a dead letter is due again now with a fresh schedule") { store in
            try await store.enqueue([Fixture.webhook("a")], now: Fixture.now)
            let job = try claimAll(store, at: Fixture.now)[0]
            try store.claims(dueAt: Fixture.now, owner: "conformance").complete([
                Fixture.attempt(job, .permanent(reason: "no")),
            ])
            let later = Fixture.now.addingTimeInterval(500)
            let entry = try await store.requeue(outboxID: job.outboxID, now: later)
            try expectEqual(entry?.state, .pending, "pending")
            try expectEqual(entry?.attempts, 0, "attempts")
            try expectEqual(entry?.nextAttemptAt, later, "due")
            try expect(try await store.requeue(outboxID: 999_999, now: later) == nil, "no such entry")
            try expectEqual(try claimAll(store, at: later).map(\.outboxID), [job.outboxID], "claimed again")
        },
        Check(name: "settings: the first value set holds") { store in
            try expect(try await store.setting("k") == nil, "unset")
            try expectEqual(try await store.settingOnce("k", value: "one"), "one", "set")
            try expectEqual(try await store.settingOnce("k", value: "two"), "one", "kept")
            try expectEqual(try await store.setting("k"), "one", "read")
            try await store.setSetting("k", "three")
            try await store.setSetting("k.x", "four")
            try await store.setSetting("l", "five")
            try expectEqual(try await store.setting("k"), "three", "replaced")
            try expectEqual(try await store.settings(withPrefix: "k"), ["k": "three", "k.x": "four"], "by prefix")
            try await store.setSetting("k", nil)
            try expect(try await store.setting("k") == nil, "removed")
        },
        Check(name: "status counts every state") { store in
            try await store.enqueue(["a", "b", "c", "d"].map { Fixture.webhook($0) }, now: Fixture.now)
            let jobs = try claimAll(store, at: Fixture.now)
            try store.claims(dueAt: Fixture.now, owner: "conformance").complete([
                Fixture.attempt(jobs[0], .delivered(detail: "ok")),
                Fixture.attempt(jobs[1], .permanent(reason: "no")),
                Fixture.attempt(jobs[2], .retryable(reason: "later")),
            ])
            let status = try await store.status()
            try expectEqual([status.delivered, status.deadLetters, status.queueDepth], [1, 1, 2], "delivered, dead, queued")
        },
    ]
}
