import CaseWatchModel
import CaseWatchPipeline
import Curl
import Foundation

/// One way alerts leave CaseWatch, in two halves, because alerts are composed when they are planned and sent later.
///
/// - **Compose**, at plan time: the payload, its idempotency id (Message-ID, webhook-id), the recipient, and what
///   `preview` shows. The draft is written to the outbox in the same transaction as its event, so a retry sends the
///   same bytes.
/// - **Transport**, one per delivery lane: sends a claimed entry and returns an outcome value; never throws.
///
/// A new channel is a folder of its own beside `Email/` and `Webhook/` and one line in the composition root's
/// ``ChannelRegistry``.
package protocol AlertChannel: Sendable {
    var id: ChannelID { get }
    /// What the channel's receivers accept, for planners and throttles.
    var limits: ChannelLimits { get }

    /// The entry of `event` for `subscriber` on this channel; nil when the subscriber has no endpoint here.
    ///
    /// - Throws: when a value would reach a header unsafely (CR, LF, NUL): the whole plan fails, nothing is recorded.
    func compose(_ event: CaseEvent, for subscriber: Subscriber, in context: inout ComposeContext) throws
        -> OutboxDraft?

    /// The entry as a person reads it (`casewatch preview`).
    func preview(_ draft: OutboxDraft, at date: Date) -> String

    /// A transport for one delivery lane, used only on that lane's thread.
    func makeTransport() -> any ChannelTransport

    /// The limits a delivery of `draft` is held to (``Throttle``), nil for none; `rate` is the one its subscriber
    /// file gives the endpoint (`webhook.rate`, `matrix.rate`), if any.
    func throttle(_ draft: OutboxDraft, rate: Rate?) -> ThrottleRequest?
}

extension AlertChannel {
    /// The endpoint's own rate, or the channel's default (``ChannelLimits/defaultRate``), keyed by the channel and
    /// the recipient's address, so that subscribers sharing an endpoint share its rate.
    package func throttle(_ draft: OutboxDraft, rate: Rate?) -> ThrottleRequest? {
        guard let rate = rate ?? limits.defaultRate else { return nil }
        let address = EndpointAddress.normalized(draft.recipient, channel: draft.channel)
        return ThrottleRequest(endpoint: ThrottleRule(key: ThrottleRule.key("\(id) \(address)"), rate: rate))
    }
}

/// Sends one outbox entry over one channel and says how it went.
///
/// A transport belongs to one delivery lane and is only ever called on that lane's thread, so it may keep a
/// connection (a curl handle) between entries; hence a class, deliberately not `Sendable`.
package protocol ChannelTransport: AnyObject {
    /// Blocking: performs the whole transfer.
    func send(_ job: DeliveryJob, at now: Date) -> SendResult
}

/// A transport whose transfer is one HTTP request (webhooks, Matrix): the delivery engine sends it on libcurl's multi
/// interface (``HTTPEventLoop``) with many others at once, instead of holding a lane for it.
///
/// ``ChannelTransport/send(_:at:)`` of such a transport is ``transfer(_:at:)`` performed on a handle of its own
/// (`send-test`, and anything else that sends one entry by itself).
package protocol HTTPChannelTransport: ChannelTransport {
    /// The request that delivers `job` and how to read its answer, or the outcome when no request can be made (a
    /// secret missing from the environment). Called on the engine's thread; the reading may run on any thread.
    func transfer(_ job: DeliveryJob, at now: Date) -> HTTPTransfer
}

/// One delivery as an HTTP exchange.
package enum HTTPTransfer: Sendable {
    /// Settled without a request.
    case settled(SendResult)
    /// Send `request`; `reading` turns what came back (or why nothing did) into the attempt's result.
    case request(HTTPRequest, reading: @Sendable (Result<HTTPResponse, Error>) -> SendResult)

    /// Performs the exchange on `handle` (a new one when nil or after a failure), blocking.
    package func perform(on handle: inout EasyHandle?) -> SendResult {
        switch self {
        case .settled(let result):
            return result
        case .request(let request, let reading):
            let answer = Result { () throws -> HTTPResponse in
                let easy = try handle ?? EasyHandle()
                handle = easy
                return try easy.perform(request)
            }
            if case .failure = answer { handle = nil }
            return reading(answer)
        }
    }
}

/// An attempt's outcome and the response code behind it, if any.
package struct SendResult: Sendable, Equatable {
    package var outcome: DeliveryOutcome
    package var code: Int?

    package init(outcome: DeliveryOutcome, code: Int? = nil) {
        self.outcome = outcome
        self.code = code
    }
}

/// The limits a channel's receivers set.
package struct ChannelLimits: Sendable, Equatable {
    /// The largest payload the channel sends, in bytes; nil for no limit of the channel's own.
    package var maximumPayload: Int?
    /// The rate an endpoint is held to when its subscriber file gives none; nil for no limit.
    package var defaultRate: Rate?

    package init(maximumPayload: Int? = nil, defaultRate: Rate? = nil) {
        self.maximumPayload = maximumPayload
        self.defaultRate = defaultRate
    }
}

/// A channel with no transport configured (`preview` and `check` compose without sending): every attempt is
/// refused for a later retry, so nothing is lost if one is ever asked to send.
final class UnconfiguredTransport: ChannelTransport {
    let channel: ChannelID

    init(channel: ChannelID) {
        self.channel = channel
    }

    func send(_ job: DeliveryJob, at now: Date) -> SendResult {
        SendResult(outcome: .retryable(reason: "no transport is configured for \(channel)"))
    }
}
