import CaseWatchModel
import Crypto
import Foundation

/// Per-endpoint throttling as a pure function: a request for a slot, the slots the store keeps, the time — and
/// whether to send now, wait for a slot within the run, or put the delivery off.
///
/// It is GCRA (the generic cell rate algorithm) with no burst: each key keeps its *next free slot*, the earliest
/// moment its next message may go; a message sent at `t` moves it to `t + interval × cost`. So messages leave an
/// endpoint evenly spaced, never in a burst, and a receiver counting them per second (or minute) sees at most its
/// rate. The spacing is kept ``margin`` wider than the rate asks, and a reserved slot is only used while it is
/// fresh (``tolerance(for:)``): a transfer that starts a little late, or a request that travels more slowly than
/// the one before it, still never puts a receiver over its rate.
///
/// A request has the endpoint's own rule, whose slot may be reserved ahead (a burst to one webhook is spread over
/// the next seconds without asking the store again), and shared rules (a Telegram bot's 30 messages a second over
/// all its chats), which are only ever taken at once — reserving a shared key ahead for one busy chat would hold up
/// every other chat behind it.
package enum Throttle {
    /// How much wider than the rate asks the spacing is kept.
    package static let margin = 0.1

    /// How late a reserved slot may be used: half the margin over the rate's period (the other half is left for
    /// requests that travel unevenly).
    package static func tolerance(for rate: Rate) -> TimeInterval { rate.period * margin / 2 }

    /// The spacing between two messages of `rate`, margin included.
    package static func spacing(of rate: Rate) -> TimeInterval { rate.interval * (1 + margin) }

    /// Decides one request.
    ///
    /// - Parameters:
    ///   - slots: each key's next free slot, as the store keeps it (an absent key is free).
    ///   - horizon: how far ahead this run may wait for the endpoint's slot; a later one puts the delivery off.
    ///   - reserved: the endpoint's slot this delivery reserved earlier in the run, if any.
    /// - Returns: the decision, and the slots to store (only the keys that moved).
    package static func decide(_ request: ThrottleRequest, slots: [String: Date], now: Date, horizon: TimeInterval,
                               reserved: Date? = nil) -> (decision: ThrottleDecision, slots: [String: Date])
    {
        var updated: [String: Date] = [:]
        let own = request.endpoint
        let cost = Double(max(1, request.cost))
        var holdsSlot = false
        if let reserved, now.timeIntervalSince(reserved) <= tolerance(for: own.rate) {
            holdsSlot = true
        } else {
            let next = max(now, slots[own.key] ?? now)
            if next > now {
                guard next.timeIntervalSince(now) <= horizon else { return (.postpone(until: next), [:]) }
                updated[own.key] = next.addingTimeInterval(spacing(of: own.rate) * cost)
                return (.wait(until: next, reserved: next), updated)
            }
        }
        // The endpoint may send now: the shared keys must let it too.
        let sharedNext = request.shared.map { max(now, slots[$0.key] ?? now) }.max() ?? now
        if sharedNext > now {
            // Nothing taken: asked again then. A slot reserved before is kept while it is fresh.
            return (.wait(until: sharedNext, reserved: holdsSlot ? reserved : nil), updated)
        }
        if !holdsSlot { updated[own.key] = now.addingTimeInterval(spacing(of: own.rate) * cost) }
        for rule in request.shared {
            updated[rule.key] = max(now, slots[rule.key] ?? now).addingTimeInterval(spacing(of: rule.rate) * cost)
        }
        return (.send, updated)
    }
}

extension Throttle {
    /// Decides `asks` one after another, as as many calls of ``decide(_:slots:now:horizon:reserved:)`` would, each
    /// seeing the slots the ones before it moved; `slots` is moved in place (a run's whole table is not copied).
    /// - Returns: the decisions, in order, and the slots to store (every key that moved, at its last value).
    package static func decide(_ asks: [ThrottleAsk], slots: inout [String: Date], now: Date, horizon: TimeInterval)
        -> (decisions: [ThrottleDecision], moved: [String: Date])
    {
        var moved: [String: Date] = [:]
        let decisions = asks.map { ask in
            let (decision, updated) = decide(ask.request, slots: slots, now: now, horizon: horizon,
                                             reserved: ask.reserved)
            for (key, next) in updated {
                slots[key] = next
                moved[key] = next
            }
            return decision
        }
        return (decisions, moved)
    }
}

/// One delivery's question to the throttle: its limits, and the endpoint's slot it reserved earlier in the run, if
/// any.
package struct ThrottleAsk: Sendable, Hashable {
    package var request: ThrottleRequest
    package var reserved: Date?

    package init(_ request: ThrottleRequest, reserved: Date? = nil) {
        self.request = request
        self.reserved = reserved
    }
}

/// One limit: a key (an endpoint, or what several endpoints share) and its rate.
package struct ThrottleRule: Sendable, Hashable {
    /// What the store keys the slot on: ``ThrottleRule/key(_:)`` of the endpoint's description, so that the table
    /// keeps no address.
    package var key: String
    package var rate: Rate

    package init(key: String, rate: Rate) {
        self.key = key
        self.rate = rate
    }

    /// `webhook https://…`, `telegram-chat -100…`: hashed, so that the slots table holds no address or chat id.
    package static func key(_ description: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: Data(description.utf8)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}

/// What a delivery asks of the throttle.
package struct ThrottleRequest: Sendable, Hashable {
    /// The endpoint's own limit (a webhook URL, a Matrix room, a Telegram chat).
    package var endpoint: ThrottleRule
    /// Limits shared with other endpoints (a Telegram bot's, over all its chats).
    package var shared: [ThrottleRule]
    /// How many messages the delivery makes (a long Telegram alert is split into several).
    package var cost: Int

    package init(endpoint: ThrottleRule, shared: [ThrottleRule] = [], cost: Int = 1) {
        self.endpoint = endpoint
        self.shared = shared
        self.cost = cost
    }

    /// Every key the request touches.
    package var keys: [String] { [endpoint.key] + shared.map(\.key) }
}

/// What the throttle says of a delivery.
package enum ThrottleDecision: Sendable, Equatable {
    /// Send it now (its slots are taken).
    case send
    /// Wait within the run until `until`, then ask again, holding `reserved` (the endpoint's slot) if one was taken.
    case wait(until: Date, reserved: Date?)
    /// The endpoint's next slot is beyond what the run waits for: put the delivery off to then, unattempted.
    case postpone(until: Date)
}

/// A delivery put off to its endpoint's next free slot: no attempt, its attempts and retry schedule untouched.
package struct Postponement: Sendable, Equatable {
    package var outboxID: Int64
    package var until: Date
    /// When the entry first came due, moved on by the wait: time spent waiting for the endpoint's rate does not count
    /// against the retry schedule's span (how long `Retry-After` waits are allowed).
    package var firstDueAt: Date?

    package init(outboxID: Int64, until: Date, firstDueAt: Date? = nil) {
        self.outboxID = outboxID
        self.until = until
        self.firstDueAt = firstDueAt
    }
}

extension DeliveryJob {
    /// The job after waiting `wait` for its endpoint's rate: the wait does not count against its retry schedule's
    /// span, so its first due moment moves on by as much.
    package func throttled(for wait: TimeInterval) -> DeliveryJob {
        var job = self
        job.firstDueAt = firstDueAt?.addingTimeInterval(max(0, wait))
        return job
    }
}
