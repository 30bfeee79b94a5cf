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
    /// The slots kept in memory for the run, when the store's are moved by one process at a time.
    let runSlots: RunSlots?

    init(store: any ThrottleStore, owner: String, horizon: TimeInterval, channels: ChannelRegistry,
         rates: EndpointRates, now: @escaping @Sendable () -> Date) {
        self.store = store
        self.owner = owner
        self.horizon = horizon
        self.channels = channels
        self.rates = rates
        self.now = now
        runSlots = (store as? any RunLocalThrottleStore).map { RunSlots(store: $0) }
    }

    /// Decides `asks` in order: against the run's slots in memory, or the store's in one transaction.
    func throttle(_ asks: [ThrottleAsk]) throws -> [ThrottleDecision] {
        if let runSlots { return try runSlots.throttle(asks, now: now(), horizon: horizon) }
        return try store.throttle(asks, now: now(), horizon: horizon)
    }

    /// Reads at once the slots the run will ask about for `jobs` (a claimed batch), when it keeps them in memory.
    func prefetch(_ jobs: [DeliveryJob]) throws {
        guard let runSlots else { return }
        try runSlots.prefetch(jobs.lazy.compactMap { request(for: $0) }.flatMap(\.keys))
    }

    /// The limits `job` is held to, nil when its endpoint has none.
    func request(for job: DeliveryJob) -> ThrottleRequest? {
        let draft = job.draft
        return channels[draft.channel]?.throttle(draft, rate: rates[draft.channel, draft.recipient])
    }
}
