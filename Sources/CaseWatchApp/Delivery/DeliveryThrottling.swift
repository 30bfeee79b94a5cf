import CaseWatchChannels
import CaseWatchModel
import CaseWatchPipeline
import CaseWatchStore
import Foundation

/// What the lanes need to hold endpoints to their rates: the store that keeps the slots, which limits each delivery
/// is held to, how long the run waits for a slot, and the run's clock.
struct DeliveryThrottling: Sendable {
    let store: any ThrottleStore
    /// Who holds the run's claims (a postponement releases only its own).
    let owner: String
    /// How far ahead a slot may be for the run to wait for it.
    let horizon: TimeInterval
    let channels: ChannelRegistry
    let rates: EndpointRates
    /// The run's clock: the cycle's moment, moving on with real time, so that waits end.
    let now: @Sendable () -> Date

    /// The limits `job` is held to, nil when its endpoint has none.
    func request(for job: DeliveryJob) -> ThrottleRequest? {
        let draft = job.draft
        return channels[draft.channel]?.throttle(draft, rate: rates[draft.channel, draft.recipient])
    }
}
