import CaseWatchModel
import CaseWatchPipeline
import Foundation

// The calls with their everyday arguments: now, every state, the newest thousand.

extension EventLog {
    package func events() async throws -> [CaseEvent] {
        try await events(caseID: nil, since: nil)
    }

    package func events(caseID: String) async throws -> [CaseEvent] {
        try await events(caseID: caseID, since: nil)
    }
}

extension OutboxQueue {
    package func enqueue(_ drafts: [OutboxDraft]) async throws {
        try await enqueue(drafts, now: Date())
    }

    package func requeue(outboxID: Int64) async throws -> OutboxEntry? {
        try await requeue(outboxID: outboxID, now: Date())
    }
}

extension DeliveryLog {
    package func outboxEntries(states: [OutboxState]? = nil) async throws -> [OutboxEntry] {
        try await outboxEntries(states: states, limit: 1000)
    }
}

extension RegistryState {
    /// Records a detection that plans no deliveries, or plans them with `plan`.
    @discardableResult
    package func record(
        _ diff: RegistryDiff,
        plan: (@Sendable (_ events: [CaseEvent], _ enqueue: ([OutboxDraft]) throws -> Void) throws -> Void)? = nil,
        readings: SourceReadings? = nil, registrySize: Int, startedAt: Date, finishedAt: Date
    ) async throws -> (events: [CaseEvent], deliveries: Int) {
        try await record(DetectionRecord(diff: diff, plan: plan, readings: readings, registrySize: registrySize,
                                         startedAt: startedAt, finishedAt: finishedAt))
    }
}
