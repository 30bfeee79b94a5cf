import CaseWatchModel
import CaseWatchPipeline
import CaseWatchStore
import Foundation

extension StoreConformance {
    static let detectionChecks: [Check] = [
        Check(name: "held events: unsent ones come back with the case as it was; an attempt or a withdrawal ends the hold") { store in
            let diff = try await Fixture.firstDiff([Fixture.legalCase("a"), Fixture.legalCase("b")])
            var detection = DetectionRecord(
                diff: diff, plan: { events, enqueue in try enqueue(events.map { Fixture.webhook("s", event: $0.id) }) },
                registrySize: 2, startedAt: Fixture.now, finishedAt: Fixture.now)
            let newCase: LegalCase? = nil
            detection.priors = ["a": Fixture.legalCase("a", status: .reported), "b": newCase]
            _ = try await store.record(detection)
            let since = Fixture.now.addingTimeInterval(-600)
            var held = try await store.heldEvents(caseIDs: ["a", "b", "c"], since: since)
            try expectEqual(held.keys.sorted(), ["a", "b"], "both held")
            try expectEqual(held["a"]?.first?.prior, Fixture.legalCase("a", status: .reported), "the case before")
            try expect(held["b"]?.first?.priorKnown == true && held["b"]?.first?.prior == nil, "a new case")
            try expect(try await store.heldEvents(caseIDs: ["a"], since: Fixture.now.addingTimeInterval(1)).isEmpty,
                       "outside the window")
            // An attempt (even a failed one) means the alert may have left.
            let jobs = try await claimAll(store, at: Fixture.now)
            let job = try require(jobs.first { $0.draft.eventID == held["a"]?.first?.event.id }, "a's entry")
            try await complete(store, at: Fixture.now, [
                Fixture.attempt(job, .retryable(reason: "HTTP 500")),
            ])
            held = try await store.heldEvents(caseIDs: ["a", "b"], since: since)
            try expectEqual(held.keys.sorted(), ["b"], "a's alert was attempted")
            let eventID = try require(held["b"]?.first?.event.id, "b's event")
            try expectEqual(try await store.withdraw(eventIDs: [eventID, "evt_unknown"], reason: "undone", now: Fixture.now),
                            1, "one entry withdrawn")
            try expect(try await store.heldEvents(caseIDs: ["b"], since: since).isEmpty, "withdrawn is not held")
            try expectEqual(try await store.event(id: eventID)?.withdrawal, "undone", "the event says so")
            let entries = try await store.outboxEntries(eventID: eventID, generation: 0)
            try expectEqual(entries.map(\.state), [.withdrawn], "kept, withdrawn")
            try expectEqual(entries.first?.lastError, "withdrawn: undone", "with the reason")
            try expect(try await claimAll(store, at: Fixture.now.addingTimeInterval(60)).allSatisfy { $0.draft.eventID != eventID },
                       "never handed out")
        },
        Check(name: "a detection records snapshots, events once, the entries its plan makes, and the cycle") { store in
            var diff = try await Fixture.firstDiff([Fixture.legalCase("a"), Fixture.legalCase("b")])
            for index in diff.upserts.indices { diff.upserts[index].source = "registry/\(diff.upserts[index].id).yaml" }
            let planned = PlannedEvents()
            let first = try await store.record(DetectionRecord(
                diff: diff,
                plan: { events, enqueue in
                    planned.add(events)
                    try enqueue(events.map { Fixture.webhook("s", event: $0.id) })
                },
                registrySize: 2, startedAt: Fixture.now, finishedAt: Fixture.now))
            try expectEqual(first.events.count, 2, "new events")
            try expectEqual(first.deliveries, 2, "entries")
            try expectEqual(planned.count, 2, "events planned")
            try expectEqual(try await store.caseCount(), 2, "cases")
            try expect(try await store.hasSynced(), "synced")
            let again = try await store.record(DetectionRecord(
                diff: diff, plan: { events, enqueue in try enqueue(events.map { Fixture.webhook("s", event: $0.id) }) },
                registrySize: 2, startedAt: Fixture.now, finishedAt: Fixture.now))
            try expectEqual(again.events.count, 0, "the same events detected again")
            try expectEqual(try await store.status().queueDepth, 2, "entries after the second detection")
            try expectEqual(try await store.status().lastCycle?.cases, 2, "the last cycle")
            let seen = try await store.seenSnapshots()
            try expectEqual(seen.digests, Dictionary(uniqueKeysWithValues: diff.upserts.map { ($0.id, $0.digest) }),
                            "digests")
            try expectEqual(seen.sources["a"], "registry/a.yaml", "source")
            try expectEqual(try await store.snapshots(ids: ["a", "nope"]).keys.sorted(), ["a"], "snapshots by id")
            try expectEqual(try await store.snapshots(ids: ["b"])["b"], Fixture.legalCase("b"), "a snapshot read back")
        },
        Check(name: "a detection whose plan fails records nothing at all") { store in
            struct Refused: Error {}
            let diff = try await Fixture.firstDiff([Fixture.legalCase("a")])
            do {
                _ = try await store.record(DetectionRecord(
                    diff: diff, plan: { _, enqueue in
                        try enqueue([Fixture.webhook("s")])
                        throw Refused()
                    }, registrySize: 1, startedAt: Fixture.now, finishedAt: Fixture.now))
                try expect(false, "the plan's error was swallowed")
            } catch is Refused {}
            try expectEqual(try await store.caseCount(), 0, "cases")
            try expectEqual(try await store.events(caseID: nil, since: nil).count, 0, "events")
            try expectEqual(try await store.status().queueDepth, 0, "entries")
            try expect(try await store.status().lastCycle == nil, "no cycle")
            try expect(!(try await store.hasSynced()), "not synced")
        },
        Check(name: "removals and retags: a removed case is gone, a moved one keeps its snapshot under its new source")
        { store in
            var diff = try await Fixture.firstDiff([Fixture.legalCase("a"), Fixture.legalCase("b")])
            for index in diff.upserts.indices { diff.upserts[index].source = "old.yaml" }
            _ = try await store.record(DetectionRecord(diff: diff, registrySize: 2, startedAt: Fixture.now,
                                                       finishedAt: Fixture.now))
            var next = RegistryDiff()
            next.removals = ["b"]
            next.retags = [(id: "a", source: "new.yaml")]
            _ = try await store.record(DetectionRecord(diff: next, registrySize: 1, startedAt: Fixture.now,
                                                       finishedAt: Fixture.now))
            try expectEqual(try await store.caseIDs(fromSources: ["new.yaml", "old.yaml"]), ["a": "new.yaml"], "owners")
            try expectEqual(try await store.snapshotSources(), ["new.yaml"], "sources")
            let json = String(decoding: try await store.casesJSON(), as: UTF8.self)
            try expect(json.hasPrefix("[{") && json.hasSuffix("}]") && json.contains("\"id\":\"a\""), "cases.json: \(json)")
        },
        Check(name: "cases with a hearing inside the window, from the given sources only") { store in
            let soon = Fixture.legalCase("soon", hearing: CalendarDate(Fixture.now.addingTimeInterval(86_400 * 2),
                                                                          in: TimeZone(identifier: "UTC")!))
            let far = Fixture.legalCase("far", hearing: CalendarDate(Fixture.now.addingTimeInterval(86_400 * 30),
                                                                        in: TimeZone(identifier: "UTC")!))
            var diff = try await Fixture.firstDiff([soon, far, Fixture.legalCase("none")])
            for index in diff.upserts.indices { diff.upserts[index].source = "feed" }
            _ = try await store.record(DetectionRecord(diff: diff, registrySize: 3, startedAt: Fixture.now,
                                                       finishedAt: Fixture.now))
            let found = try await store.casesWithReminders(fromSources: ["feed"], now: Fixture.now, horizon: 86_400 * 7)
            try expectEqual(found.map(\.id), ["soon"], "within a week")
            try expectEqual(try await store.casesWithReminders(fromSources: ["other"], now: Fixture.now,
                                                             horizon: 86_400 * 7).count, 0, "another source")
        },
    ]

    static let readingChecks: [Check] = [
        Check(name: "what the sources said is kept: file signatures, feed validators, failures, synced feeds") { store in
            let feed = "https://feeds.example.org/cases.json"
            _ = try await store.record(DetectionRecord(
                diff: RegistryDiff(),
                readings: SourceReadings(fileSignatures: ["registry/a.yaml": "1:2:3"],
                                         feedValidators: [feed: FetchValidators(etag: "\"v1\"", lastModified: nil)]),
                registrySize: 0, startedAt: Fixture.now, finishedAt: Fixture.now))
            try expectEqual(try await store.fileSignatures(), ["registry/a.yaml": "1:2:3"], "signatures")
            try expectEqual(try await store.feedValidators()[feed], FetchValidators(etag: "\"v1\"", lastModified: nil),
                            "validators")
            try expectEqual(try await store.syncedFeeds(), [feed], "synced feeds")
            _ = try await store.record(DetectionRecord(
                diff: RegistryDiff(),
                readings: SourceReadings(frozenSources: [feed], feedFailures: [feed: "HTTP 500"]),
                registrySize: 0, startedAt: Fixture.now, finishedAt: Fixture.now))
            let status = try await store.status()
            try expectEqual(status.feeds.map(\.url), [feed], "feeds in the status")
            try expectEqual(status.feeds.first?.lastError, "HTTP 500", "the failure")
            try expect(status.feeds.first?.lastGoodFetch != nil, "the last good fetch stays")
            try expectEqual(try await store.feedValidators()[feed]?.etag, "\"v1\"", "validators kept through a failure")
            _ = try await store.record(DetectionRecord(
                diff: RegistryDiff(), readings: SourceReadings(frozenSources: [feed]), registrySize: 0,
                startedAt: Fixture.now, finishedAt: Fixture.now))
            try expectEqual(try await store.status().feeds.first?.lastError, nil, "healthy again when unchanged")
        },
    ]
}

/// Counts the events a plan was given (the plan runs inside the engine's transaction, maybe on another thread).
final class PlannedEvents: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [CaseEvent] = []

    func add(_ more: [CaseEvent]) { lock.withLock { events += more } }
    var count: Int { lock.withLock { events.count } }
}
