import CaseWatchModel
import CaseWatchPipeline
import Foundation

/// Everything one detection writes, in one transaction (``RegistryState/record(_:)``).
package struct DetectionRecord: Sendable {
    package var diff: RegistryDiff
    /// Makes the outbox entries of the events that turn out new, handing them over chunk by chunk; it runs inside
    /// the transaction, so an entry that cannot be built rolls everything back.
    package var plan: (@Sendable (_ events: [CaseEvent], _ enqueue: ([OutboxDraft]) throws -> Void) throws -> Void)?
    /// What the sources said this time; nil records none.
    package var readings: SourceReadings?
    package var registrySize: Int
    package var startedAt: Date
    package var finishedAt: Date
    /// With `delivery.hold`: each case with new events, as it stood before them (nil: it is new), kept with the
    /// events so that an edit undone within the hold can be recognised.
    package var priors: [String: LegalCase?] = [:]
    /// Events withdrawn in the same transaction, with the reason.
    package var withdrawals: [String: String] = [:]

    package init(
        diff: RegistryDiff,
        plan: (@Sendable (_ events: [CaseEvent], _ enqueue: ([OutboxDraft]) throws -> Void) throws -> Void)? = nil,
        readings: SourceReadings? = nil, registrySize: Int, startedAt: Date, finishedAt: Date
    ) {
        self.diff = diff
        self.plan = plan
        self.readings = readings
        self.registrySize = registrySize
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }
}

/// One attempt of an outbox entry, as the attempt log keeps it.
package struct DeliveryAttempt: Sendable, Equatable {
    package var startedAt: String
    package var outcome: String
    package var code: Int?
    package var detail: String

    package init(startedAt: String, outcome: String, code: Int?, detail: String) {
        self.startedAt = startedAt
        self.outcome = outcome
        self.code = code
        self.detail = detail
    }
}
