import CaseWatchModel
import CaseWatchSources
import CaseWatchStore
import Foundation

/// `outbox replay`: an event sent again to everyone it routes to now, as a new generation (new Message-IDs and
/// webhook-ids, so receivers see it as meant to arrive again), sent by the next run.
package struct EventReplay: Sendable {
    package let configuration: Configuration
    package let environment: ProcessEnvironment
    package let store: any StateStore

    package init(configuration: Configuration, environment: ProcessEnvironment, store: any StateStore) {
        self.configuration = configuration
        self.environment = environment
        self.store = store
    }

    /// What a replay queued.
    package struct Result: Sendable {
        package var generation: Int
        package var queued: Int
    }

    /// Queues the replay of `eventID`; nil when there is no such event.
    ///
    /// - Throws: ``InputError`` when the subscribers or templates are bad.
    package func run(eventID: String, now: Date = Date()) async throws -> Result? {
        guard let event = try await store.event(id: eventID) else { return nil }
        let inputs = try await PipelineInputs.load(configuration: configuration, environment: environment)
        let planner = try await inputs.planner(store: store, environment: environment)
        let generation = try await store.nextGeneration(eventID: eventID)
        let suppressions = try await store.suppressions()
        // Streamed into one transaction, as a cycle enqueues: a large audience is never held whole.
        let queued = try await store.enqueue(now: now) { enqueue in
            try planner.drafts(for: [event], suppressions: suppressions, generation: generation, now: now,
                               chunkSize: 1000, enqueue)
        }
        return Result(generation: generation, queued: queued)
    }
}
