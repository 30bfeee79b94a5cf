import CaseWatchModel
import CaseWatchRendering
import Foundation

/// What the channels share while one plan composes its entries: the renderer and links, the replay generation and
/// the time, and the renderings of the current event that every subscriber of it reuses.
package struct ComposeContext {
    package let renderer: AlertRenderer
    package let links: SubscriberLinks
    /// 0 for the first delivery; an operator's replay adds one.
    package let generation: Int
    package let now: Date
    /// The current event's renderings, shared by its subscribers; nil renders each subscriber on their own
    /// (`preview`, `check`), which gives the same bytes.
    package var rendering: EventRendering?
    /// Told when a subscriber's own webhook template fails for an event; the standard body goes instead.
    package var templateFailure: (@Sendable (_ subscriberID: String, _ reason: String) -> Void)?
    /// The summary line of the subscriber's alert, when a channel composed before this one rendered it (the
    /// e-mail's): later channels reuse it. Cleared for each subscriber.
    package var renderedSummary: String?
    /// The other events of the same case that the e-mail being composed carries (one message per case per plan).
    package var companions: [CaseEvent] = []

    package init(renderer: AlertRenderer, links: SubscriberLinks, generation: Int, now: Date,
                 templateFailure: (@Sendable (_ subscriberID: String, _ reason: String) -> Void)? = nil) {
        self.renderer = renderer
        self.links = links
        self.generation = generation
        self.now = now
        self.templateFailure = templateFailure
    }

    /// Starts the renderings of `event`, shared by the subscribers composed until the next call.
    package mutating func begin(_ event: CaseEvent) {
        rendering = EventRendering(event: event, renderer: renderer, now: now)
    }

    /// The summary line of `event` in `language`: the one a channel rendered for this subscriber already, else
    /// the event's shared one.
    package mutating func summary(_ event: CaseEvent, language: Language) -> String {
        renderedSummary ?? rendering?.summary(language: language) ?? renderer.summary(event, language: language)
    }
}
