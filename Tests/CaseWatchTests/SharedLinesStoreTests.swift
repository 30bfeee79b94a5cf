import CaseWatchTesting
import Foundation
import GRDB
import InternetMessage
import Testing

@testable import CaseWatch

/// A fan-out keeps each rendered body once (`outbox_lines`) and per entry only what is its own; what a delivery
/// lane claims must be the whole message, byte for byte what rendering each subscriber in full gives.
@Suite("Outbox: shared lines")
struct SharedLinesStoreTests {
    let directory: TemporaryDirectory
    let store: StateStore

    init() throws {
        directory = try TemporaryDirectory("casewatch-shared-lines")
        store = try StateStore(path: directory.url.appendingPathComponent("casewatch.sqlite").path)
    }

    /// Many readers of each language, so that the stored lines are worth sharing.
    static var audience: [Subscriber] {
        (0..<60).map { n in
            let language = Language.allCases[n % Language.allCases.count]
            let name = AlertPlannerTests.names[n % AlertPlannerTests.names.count]
            return Subscriber(id: "s\(n)", name: name, language: language, email: "s\(n)@example.org")
        }
    }

    func storedBytes(_ sql: String) async throws -> Int {
        try await store.pool.read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
    }

    @Test("entries claimed are the whole messages, while the store keeps each body once")
    func claimedEqualsRendered() async throws {
        let planner = try AlertPlannerTests.planner(subscribers: Self.audience)
        let event = RenderingTests.event(.statusChanged)
        let now = CaseFixtures.detectedAt
        let rendered = try AlertPlannerTests.uncached(planner, [event], now: now)
        let count = try await store.enqueue(now: now) { enqueue in
            try planner.drafts(for: [event], suppressions: Suppressions(), now: now, chunkSize: 7, enqueue)
        }
        #expect(count == 60)

        let claimed = try await store.claimDue(now: now, limit: 1000).map(\.draft)
        AlertPlannerTests.expectSame(claimed, rendered)

        // Plain and HTML bodies of the stencils in use (with and without a name), not one per reader.
        let lines = try await storedBytes("SELECT count(*) FROM outbox_lines")
        #expect(lines >= 2 * 3 && lines <= 2 * 3 * 2)
        let whole = rendered.reduce(0) { $0 + $1.payload.count }
        let own = try await storedBytes("SELECT sum(length(payload)) FROM outbox_payload")
        let shared = try await storedBytes("SELECT sum(length(bytes)) FROM outbox_lines")
        #expect(own + shared < whole / 3, "stored \(own) + \(shared) of \(whole) bytes")
        #expect(try await storedBytes("SELECT count(*) FROM outbox_payload WHERE layout IS NULL") == 0)
    }

    @Test("a second plan of the same bodies (a replay) stores no new lines")
    func linesStoredOnce() async throws {
        let planner = try AlertPlannerTests.planner(subscribers: Self.audience)
        let event = RenderingTests.event(.hearingScheduled)
        let now = CaseFixtures.detectedAt
        for generation in 0..<2 {
            try await store.enqueue(now: now) { enqueue in
                try planner.drafts(for: [event], suppressions: Suppressions(), generation: generation, now: now,
                                   chunkSize: 1000, enqueue)
            }
        }
        let linesAfterTwo = try await storedBytes("SELECT count(*) FROM outbox_lines")
        let claimed = try await store.claimDue(now: now, limit: 1000)
        #expect(claimed.count == 120)
        #expect(linesAfterTwo <= 2 * 3 * 2)
        // The two generations differ only in Message-ID and boundary: same body lines.
        let first = try #require(claimed.first { $0.draft.subscriberID == "s0" && $0.draft.generation == 0 })
        let again = try #require(claimed.first { $0.draft.subscriberID == "s0" && $0.draft.generation == 1 })
        #expect(MIMEParts.decode(first.draft.payload).map(\.body) == MIMEParts.decode(again.draft.payload).map(\.body))
    }

    @Test("a damaged layout is an error, never a wrong message")
    func damagedLayout() throws {
        let lines: [UInt8] = Array("QUJD\r\n".utf8)
        let payload: [UInt8] = Array("head\r\n".utf8) + lines + Array("tail".utf8)
        let shared = SharedLines(lines)
        let run = SharedRun(lines: shared, offset: 6, count: lines.count)
        let (own, layout) = PayloadLayout.split(payload, runs: [run]) { _ in 7 }
        #expect(own == Array("head\r\ntail".utf8))
        #expect(layout == "7:6:6")
        #expect(try PayloadLayout.join(own: own, layout: layout) { _ in lines } == payload)
        for broken in ["7:6", "x:6:6", "7:60:6", "7:6:600", "7:6:6,7:0:6"] {
            #expect(throws: PayloadLayout.Damaged.self, "\(broken)") {
                try PayloadLayout.join(own: own, layout: broken) { _ in lines }
            }
        }
    }

}
