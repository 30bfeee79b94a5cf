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
        Check(name: "opt-outs: kept per address and channel, added once, lifted by kind") { store in
            let optOut = OptOut(channel: .email, address: "a@example.org", kind: .unsubscribed, reason: "one-click",
                                subscriberID: "a", since: Timestamp.iso8601(Fixture.now))
            try expect(try await store.optOut(optOut), "added")
            var again = optOut
            again.reason = "again"
            try expect(!(try await store.optOut(again)), "already there")
            try expectEqual(try await store.optOuts().map(\.reason), ["one-click"], "the first reason stays")
            let suppressions = try await store.suppressions()
            try expect(suppressions.contains(address: "A@Example.org", channel: .email), "any case of the address")
            try expect(!suppressions.contains(address: "a@example.org", channel: .webhook), "per channel")
            let renamed = Subscriber(id: "renamed", name: "R", email: "a@example.org")
            try expect(suppressions.contains(renamed, channel: .email), "whatever the subscriber is called")
            try expectEqual(try await store.status().unsubscribed, 1, "unsubscribed")
            try expect(!(try await store.liftOptOut(channel: .email, address: "a@example.org", kinds: [.bounced])),
                       "not of that kind")
            try expect(try await store.liftOptOut(channel: .email, address: "a@example.org", kinds: [.unsubscribed]),
                       "lifted")
            try expect(!(try await store.liftOptOut(channel: .email, address: "a@example.org", kinds: [.unsubscribed])),
                       "nothing to lift")
            try expect(try await store.optOuts().isEmpty, "gone")
        },
        Check(name: "silences: a matching entry is kept as silenced with the reason; an expired silence matches no more") { store in
            let silence = try await store.addSilence(matcher: .subscriber, value: "a",
                                                     until: Fixture.now.addingTimeInterval(3600), reason: "on leave",
                                                     now: Fixture.now)
            _ = try await store.addSilence(matcher: .type, value: "case.removed", until: Fixture.now.addingTimeInterval(-1),
                                           reason: "over", now: Fixture.now.addingTimeInterval(-60))
            try expectEqual(try await store.silences(activeAt: Fixture.now).map(\.id), [silence.id], "the active one")
            try expectEqual(try await store.silences(activeAt: nil).count, 2, "all")
            try await store.enqueue([Fixture.webhook("a"), Fixture.webhook("b")], now: Fixture.now)
            let jobs = try await claimAll(store, at: Fixture.now)
            try expectEqual(jobs.map(\.draft.subscriberID), ["b"], "b only")
            try await complete(store, at: Fixture.now, 
                jobs.map { Fixture.attempt($0, .delivered(detail: "HTTP 204")) })
            let silenced = try await store.outboxEntries(states: [.silenced], limit: 10)
            try expectEqual(silenced.map(\.subscriberID), ["a"], "a's entry kept")
            try expect(silenced.first?.lastError?.hasSuffix(": on leave") == true, "with the reason")
            try expect(try await store.expireSilence(id: silence.id, now: Fixture.now), "expired")
            try expect(!(try await store.expireSilence(id: silence.id, now: Fixture.now)), "once")
            try expect(try await store.silences(activeAt: Fixture.now).isEmpty, "none active")
            let entry = try require(silenced.first, "the silenced entry")
            _ = try await store.requeue(outboxID: entry.id, now: Fixture.now)
            try expectEqual(try await claimAll(store, at: Fixture.now).map(\.draft.subscriberID), ["a"], "replayed")
        },
        Check(name: "erase: a person's entries, attempts and opt-outs go; the address stays unsubscribed as a hash") { store in
            try await store.enqueue([Fixture.email("p"), Fixture.email("p", event: "evt_2"), Fixture.email("q")],
                                    now: Fixture.now)
            let jobs = try await claimAll(store, at: Fixture.now)
            try await complete(store, at: Fixture.now, 
                jobs.map { Fixture.attempt($0, .delivered(detail: "SMTP 250")) })
            _ = try await store.optOut(OptOut(channel: .email, address: "p@example.org", kind: .unsubscribed,
                                              reason: "one-click", subscriberID: "p", since: Timestamp.iso8601(Fixture.now)))
            try expectEqual(try await store.recipients(subscriberID: "p"),
                            [ChannelAddress(channel: .email, address: "p@example.org")], "recipients")
            let report = try await store.erase(subscriberID: "p",
                                               addresses: [ChannelAddress(channel: .email, address: "P@example.org")],
                                               now: Fixture.now)
            try expectEqual(report, EraseReport(outboxEntries: 2, attempts: 2, optOuts: 1), "report")
            try expectEqual(try await store.outboxEntries(states: nil, limit: 10).map(\.subscriberID), ["q"], "q's stays")
            try expect(try await store.recipients(subscriberID: "p").isEmpty, "no recipient left")
            let optOuts = try await store.optOuts()
            try expectEqual(optOuts.map(\.kind), [.erased], "one erased opt-out")
            try expect(!optOuts[0].address.contains("p@example.org") && optOuts[0].subscriberID == nil, "no address")
            try expect(try await store.suppressions().contains(address: "p@example.org", channel: .email),
                       "still unsubscribed")
            try expect(!(try await store.suppressions().contains(address: "q@example.org", channel: .email)), "q is not")
        },
        Check(name: "requeue: a dead letter is due again now with a fresh schedule") { store in
            try await store.enqueue([Fixture.webhook("a")], now: Fixture.now)
            let job = try await claimAll(store, at: Fixture.now)[0]
            try await complete(store, at: Fixture.now, [
                Fixture.attempt(job, .permanent(reason: "no")),
            ])
            let later = Fixture.now.addingTimeInterval(500)
            let entry = try await store.requeue(outboxID: job.outboxID, now: later)
            try expectEqual(entry?.state, .pending, "pending")
            try expectEqual(entry?.attempts, 0, "attempts")
            try expectEqual(entry?.nextAttemptAt, later, "due")
            try expect(try await store.requeue(outboxID: 999_999, now: later) == nil, "no such entry")
            try expectEqual(try await claimAll(store, at: later).map(\.outboxID), [job.outboxID], "claimed again")
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
            let jobs = try await claimAll(store, at: Fixture.now)
            try await complete(store, at: Fixture.now, [
                Fixture.attempt(jobs[0], .delivered(detail: "ok")),
                Fixture.attempt(jobs[1], .permanent(reason: "no")),
                Fixture.attempt(jobs[2], .retryable(reason: "later")),
            ])
            let status = try await store.status()
            try expectEqual([status.delivered, status.deadLetters, status.queueDepth], [1, 1, 2], "delivered, dead, queued")
        },
    ]
}
