import CaseWatchChannels
import CaseWatchModel
import CaseWatchPipeline
import CaseWatchRendering

extension AlertPlanner {
    /// A planner composing for the standard channels without their transports, from the parts a configuration
    /// would give: for tests and benchmarks that plan without one.
    package init(subscribers: [Subscriber], renderer: AlertRenderer, composer: EmailComposer,
                 unsubscribe: UnsubscribeToken, baseURL: String, environment: ProcessEnvironment = .current) {
        self.init(
            subscribers: subscribers, renderer: renderer,
            channels: ChannelRegistry([
                EmailChannel(composer: composer, delivery: .unconfigured),
                WebhookChannel(delivery: .unconfigured, environment: environment),
            ]),
            links: SubscriberLinks(tokens: unsubscribe, baseURL: baseURL))
    }
}
