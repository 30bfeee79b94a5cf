import Foundation

/// Sends one outbox entry over one channel and says how it went.
///
/// A sender belongs to one delivery worker and is only ever called on that worker's thread, so it may
/// keep a connection (a curl handle) between entries; hence a class, deliberately not `Sendable`.
protocol DeliverySender: AnyObject {
    /// Blocking: performs the whole transfer.
    func send(_ job: DeliveryJob, at now: Date) -> SendResult
}

/// An attempt's outcome and the response code behind it, if any.
struct SendResult {
    var outcome: DeliveryOutcome
    var code: Int?
}
