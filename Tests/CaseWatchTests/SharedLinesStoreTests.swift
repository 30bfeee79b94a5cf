import CaseWatchTesting
import Foundation
import GRDB
import InternetMessage
import Testing

@testable import CaseWatchApp
@testable import CaseWatchChannels
@testable import CaseWatchModel
@testable import CaseWatchPipeline
@testable import CaseWatchRendering
@testable import CaseWatchSQLite
@testable import CaseWatchSources
@testable import CaseWatchStore
@testable import InputFormats

/// A fan-out keeps each rendered body once (`outbox_lines`) and per entry only what is its own; what a delivery
/// lane claims must be the whole message, byte for byte what rendering each subscriber in full gives.
@Suite("Outbox: shared lines")
struct SharedLinesStoreTests {
    let directory: TemporaryDirectory
    let store: SQLiteStateStore

    init() throws {
        directory = try TemporaryDirectory("casewatch-shared-lines")
        store = try SQLiteStateStore(path: directory.url.appendingPathComponent("casewatch.sqlite").path)
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

        let claimed = try await store.claimDue(now: now, limit: 1000).jobs.map(\.draft)
        AlertPlannerTests.expectSame(claimed, rendered)

        // Plain and HTML bodies of the stencils in use (with and without a name), not one per reader.
        let lines = try await storedBytes("SELECT count(*) FROM outbox_lines")
        #expect(lines >= 2 * 3 && lines <= 2 * 3 * 2)
        let whole = rendered.reduce(0) { $0 + $1.payload.count }
        let own = try await storedBytes("SELECT sum(length(own)) FROM outbox_laid_out_payload")
        let shared = try await storedBytes("SELECT sum(length(bytes)) FROM outbox_lines")
        #expect(own + shared < whole / 3, "stored \(own) + \(shared) of \(whole) bytes")
        // Every e-mail is laid out; none sits whole where a CaseWatch from before the shared lines would read it.
        #expect(try await storedBytes("SELECT count(*) FROM outbox_laid_out_payload") == 60)
        #expect(try await storedBytes("SELECT count(*) FROM outbox_payload") == 0)
    }

    @Test("a second plan of the same bodies (a replay) stores no new lines")
    func linesStoredOnce() async throws {
        let planner = try AlertPlannerTests.planner(subscribers: Self.audience)
        let event = RenderingTests.event(.hearingScheduled)
        let now = CaseFixtures.detectedAt
        func plan(generation: Int) async throws {
            try await store.enqueue(now: now) { enqueue in
                try planner.drafts(for: [event], suppressions: Suppressions(), generation: generation, now: now,
                                   chunkSize: 1000, enqueue)
            }
        }
        try await plan(generation: 0)
        let linesAfterOne = try await storedBytes("SELECT count(*) FROM outbox_lines")
        try await plan(generation: 1)
        #expect(try await storedBytes("SELECT count(*) FROM outbox_lines") == linesAfterOne)
        let claimed = try await store.claimDue(now: now, limit: 1000).jobs
        #expect(claimed.count == 120)
        // The two generations differ only in Message-ID and boundary: same body lines.
        let first = try #require(claimed.first { $0.draft.subscriberID == "s0" && $0.draft.generation == 0 })
        let again = try #require(claimed.first { $0.draft.subscriberID == "s0" && $0.draft.generation == 1 })
        #expect(MIMEParts.decode(first.draft.payload).map(\.body) == MIMEParts.decode(again.draft.payload).map(\.body))
    }

    @Test("a layout that does not fit is an error, never a wrong message; runs that do not hold their lines are not used")
    func damagedLayout() throws {
        let lines: [UInt8] = Array("QUJD\r\n".utf8)
        let payload: [UInt8] = Array("head\r\n".utf8) + lines + Array("tail".utf8)
        let run = SharedSpan(octets: SharedLines(lines), offset: 6, count: lines.count)
        let (own, layout) = try #require(PayloadLayout.split(payload, spans: [run]) { _ in 7 })
        #expect(own == Array("head\r\ntail".utf8))
        #expect(layout == "16|7:6:6")
        #expect(try PayloadLayout.join(own: own, layout: layout) { _ in lines } == payload)
        // Broken syntax, runs past the octets, lines the store does not have or too short for the run, and a
        // layout that parses but would give a message of another length.
        for broken in ["7:6:6", "16|7:6", "16|x:6:6", "16|7:60:6", "16|7:6:600", "16|7:6:6,7:0:6", "16|7:6:3",
                       "x|7:6:6", "16|8:6:6"] {
            #expect(throws: PayloadLayout.Damaged.self, "\(broken)") {
                try PayloadLayout.join(own: own, layout: broken) { id in id == 7 ? lines : nil }
            }
        }
        // A run that does not hold what its lines hold (the payload was changed after planning): stored whole.
        var changed = payload
        changed[7] = UInt8(ascii: "X")
        #expect(PayloadLayout.split(changed, spans: [run]) { _ in 7 }.map(\.layout) == nil)
        let misplaced = SharedSpan(octets: SharedLines(lines), offset: 12, count: 6)
        #expect(PayloadLayout.split(payload, spans: [misplaced]) { _ in 7 }.map(\.layout) == nil)
    }
}
