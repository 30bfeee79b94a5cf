import CaseWatchModel
import CaseWatchPipeline
import CaseWatchStore
import Foundation

/// What every store engine must do, as checks any test suite can run against a fresh store of its engine (the
/// SQLite file, the in-memory store of the tests, and whichever engine comes next): the same suite, the same
/// promises, as River's driver tests and Hummingbird's persist drivers share one.
///
/// A check throws ``ConformanceFailure`` naming what the engine got wrong.
package enum StoreConformance {
    package struct Check: Sendable, CustomStringConvertible {
        package let name: String
        package let run: @Sendable (any StateStore) async throws -> Void

        package var description: String { name }
    }

    package static let checks: [Check] = outboxChecks + claimChecks + detectionChecks + readingChecks
        + eventLogChecks + operatorChecks + throttleChecks + fallbackChecks
        + telegramChecks
}

/// An engine broke a promise of the store.
package struct ConformanceFailure: Error, CustomStringConvertible {
    package let message: String
    package let line: Int

    package var description: String { "StoreConformance.swift:\(line): \(message)" }
}

/// Throws ``ConformanceFailure`` unless `condition` holds.
func expect(_ condition: Bool, _ message: @autoclosure () -> String, line: Int = #line) throws {
    if !condition { throw ConformanceFailure(message: message(), line: line) }
}

/// Throws unless `actual == expected`, showing both.
func expectEqual<T: Equatable>(_ actual: T, _ expected: T, _ what: String, line: Int = #line) throws {
    if actual != expected { throw ConformanceFailure(message: "\(what): \(actual), expected \(expected)", line: line) }
}

/// The value, or a ``ConformanceFailure`` naming `what` is missing.
func require<T>(_ value: T?, _ what: String, line: Int = #line) throws -> T {
    guard let value else { throw ConformanceFailure(message: "\(what): missing", line: line) }
    return value
}

/// Values the checks share.
enum Fixture {
    static let now = Date(timeIntervalSince1970: 1_764_240_000)

    static func webhook(_ subscriber: String, event: String = "evt_1", generation: Int = 0) -> OutboxDraft {
        OutboxDraft(eventID: event, subscriberID: subscriber, channel: .webhook, recipient: "https://hooks.example.org/\(subscriber)",
                    messageID: "msg_\(subscriber)_\(event)_\(generation)",
                    payload: Array("{\"to\":\"\(subscriber)\"}".utf8), secretEnv: "S", generation: generation)
    }

    static func email(_ subscriber: String, event: String = "evt_1") -> OutboxDraft {
        OutboxDraft(eventID: event, subscriberID: subscriber, channel: .email, recipient: "\(subscriber)@example.org",
                    messageID: "\(event).\(subscriber)@example.org", payload: Array("Subject: x\r\n\r\nbody\r\n".utf8))
    }

    static func legalCase(_ id: String, status: CaseStatus = .claimFiled, hearing: CalendarDate? = nil) -> LegalCase {
        LegalCase(
            id: id, subject: Subject(kind: .organisation, name: ["en": "Org \(id)"]), country: "RU", type: .liquidation,
            status: status, court: "Moscow City Court",
            nextHearing: hearing.map { Hearing(date: $0, time: "10:00", court: "Moscow City Court") },
            history: [HistoryEntry(date: CalendarDate("2023-01-25")!, status: status)], sources: ["https://example.org"])
    }

    /// The detection of `cases` against an empty store (everything new, announced).
    static func firstDiff(_ cases: [LegalCase], at now: Date = now) async throws -> RegistryDiff {
        try await RegistryDiff.compute(
            current: Dictionary(uniqueKeysWithValues: cases.map { ($0.id, $0) }), seen: [:], previous: { _ in [:] },
            announceAdditions: true, detectedAt: now)
    }

    static func attempt(_ job: DeliveryJob, _ outcome: DeliveryOutcome, at now: Date = now) -> AttemptRecord {
        AttemptRecord(job: job, outcome: outcome,
                      transition: .after(outcome, attempts: job.attempts + 1, policy: RetryPolicy(schedule: [60, 600]),
                                         now: now, jitter: 0),
                      startedAt: now, duration: 0.01, code: nil)
    }
}

/// Claims everything due at `cutoff` in one session.
/// Runs `body` on a thread of its own, as the delivery lanes call claim sessions (which may block): never on the
/// cooperative pool.
func onLaneThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// Every entry due at `cutoff`, claimed by one session.
func claimAll(_ store: any StateStore, at cutoff: Date, limit: Int = 100) async throws -> [DeliveryJob] {
    try await onLaneThread {
        let session = store.claims(dueAt: cutoff, owner: "conformance")
        var jobs: [DeliveryJob] = []
        while true {
            let batch = try session.claim(limit: limit)
            if batch.isEmpty { return jobs }
            jobs += batch
        }
    }
}

/// Up to `limit` entries due at `cutoff`, from a new session.
func claim(_ store: any StateStore, at cutoff: Date, limit: Int) async throws -> [DeliveryJob] {
    try await onLaneThread { try store.claims(dueAt: cutoff, owner: "conformance").claim(limit: limit) }
}

/// Records `attempts` through a session of the owner that claimed them.
func complete(_ store: any StateStore, at cutoff: Date, _ attempts: [AttemptRecord]) async throws {
    try await onLaneThread { try store.claims(dueAt: cutoff, owner: "conformance").complete(attempts) }
}

/// Claims from `session` in batches of `limit` until it is dry.
func drain(_ session: any ClaimSession, limit: Int) async throws -> [DeliveryJob] {
    try await onLaneThread {
        var jobs: [DeliveryJob] = []
        while case let batch = try session.claim(limit: limit), !batch.isEmpty { jobs += batch }
        return jobs
    }
}
