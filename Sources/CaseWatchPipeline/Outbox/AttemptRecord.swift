import CaseWatchModel
import Foundation

/// One attempt's result, as the delivery shell hands it to the store.
package struct AttemptRecord: Sendable {
    package var job: DeliveryJob
    package var outcome: DeliveryOutcome
    package var transition: OutboxTransition
    package var startedAt: Date
    package var duration: TimeInterval
    /// The response code (HTTP status or SMTP reply), when one came.
    package var code: Int?

    package init(job: DeliveryJob, outcome: DeliveryOutcome, transition: OutboxTransition, startedAt: Date,
                 duration: TimeInterval, code: Int?) {
        self.job = job
        self.outcome = outcome
        self.transition = transition
        self.startedAt = startedAt
        self.duration = duration
        self.code = code
    }
}
