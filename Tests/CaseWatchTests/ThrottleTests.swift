import CaseWatchApp
import CaseWatchChannels
import CaseWatchModel
import CaseWatchPipeline
import CaseWatchSQLite
import CaseWatchSources
import CaseWatchStore
import CaseWatchTesting
import Foundation
import Logging
import Testing

/// Per-endpoint throttling: the rate field, the pure slot decision, the delivery run's waiting and postponing, and
/// the shell against the in-memory store.
@Suite("Per-endpoint throttling")
struct ThrottleTests {
    static let t0 = Date(timeIntervalSince1970: 1_764_240_000)
    static func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

    @Test("rates read as N/s, N/min, N/h; anything else says how to write one", arguments: [
        ("20/s", "20/s"), ("5 / min", "5/min"), ("100/h", "100/h"),
        ("20", "\"20\" is not a rate: write N/s, N/min or N/h (e.g. 20/s)"),
        ("20/sec", "\"20/sec\" is not a rate: write N/s, N/min or N/h (e.g. 20/s)"),
        ("-3/s", "\"-3/s\" is not a rate: the count before the slash must be a whole number"),
        ("1.5/s", "\"1.5/s\" is not a rate: the count before the slash must be a whole number"),
        ("0/s", "\"0/s\" is not a rate: the count must be between 1 and 100000"),
    ])
    func parsing(text: String, expected: String) {
        switch Rate.parse(text) {
        case .success(let rate): #expect(rate.description == expected)
        case .failure(let problem): #expect(problem.description == expected)
        }
    }

    static let hook = ThrottleRule(key: "hook", rate: .perSecond(5))  // spacing 0.22 s with the margin
    static let chat = ThrottleRule(key: "chat", rate: .perSecond(1))  // 1.1 s
    static let bot = ThrottleRule(key: "bot", rate: .perSecond(30))  // 0.0366… s

    /// One decision: the request, the stored slots, the moment, what was reserved before; what it says and moves.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var request: ThrottleRequest
        var slots: [String: Double]
        var now: Double
        var reserved: Double?
        var decision: ThrottleDecision
        var moved: [String: Double]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "a free endpoint sends now and its next slot moves one spacing on",
             request: ThrottleRequest(endpoint: hook), slots: [:], now: 0, decision: .send, moved: ["hook": 0.22]),
        Case(name: "a slot in the past counts as free",
             request: ThrottleRequest(endpoint: hook), slots: ["hook": -5], now: 0, decision: .send,
             moved: ["hook": 0.22]),
        Case(name: "a busy endpoint reserves its next slot within the horizon and waits for it",
             request: ThrottleRequest(endpoint: hook), slots: ["hook": 0.22], now: 0,
             decision: .wait(until: at(0.22), reserved: at(0.22)), moved: ["hook": 0.44]),
        Case(name: "a slot beyond the horizon puts the delivery off, reserving nothing",
             request: ThrottleRequest(endpoint: hook), slots: ["hook": 31], now: 0,
             decision: .postpone(until: at(31)), moved: [:]),
        Case(name: "a reserved slot, fresh, is used without moving the endpoint again",
             request: ThrottleRequest(endpoint: hook), slots: ["hook": 0.44], now: 0.23, reserved: 0.22,
             decision: .send, moved: [:]),
        Case(name: "a reserved slot used too late is given up: a new one is reserved",
             request: ThrottleRequest(endpoint: hook), slots: ["hook": 0.44], now: 0.3, reserved: 0.22,
             decision: .wait(until: at(0.44), reserved: at(0.44)), moved: ["hook": 0.66]),
        Case(name: "a message split in three takes three slots",
             request: ThrottleRequest(endpoint: chat, cost: 3), slots: [:], now: 0, decision: .send,
             moved: ["chat": 3.3]),
        Case(name: "the shared bot limit is taken with the chat's",
             request: ThrottleRequest(endpoint: chat, shared: [bot]), slots: ["bot": -1], now: 0, decision: .send,
             moved: ["chat": 1.1, "bot": 0.11 / 3]),
        Case(name: "a busy bot holds a free chat back without reserving anything",
             request: ThrottleRequest(endpoint: chat, shared: [bot]), slots: ["bot": 0.02], now: 0,
             decision: .wait(until: at(0.02), reserved: nil), moved: [:]),
        Case(name: "a busy chat reserves only its own slot, never the bot's ahead",
             request: ThrottleRequest(endpoint: chat, shared: [bot]), slots: ["chat": 1, "bot": 0.5], now: 0,
             decision: .wait(until: at(1), reserved: at(1)), moved: ["chat": 2.1]),
    ]

    @Test("the throttle's decisions", arguments: cases)
    func decisions(_ test: Case) {
        let (decision, moved) = Throttle.decide(
            test.request, slots: test.slots.mapValues(Self.at), now: Self.at(test.now), horizon: 30,
            reserved: test.reserved.map(Self.at))
        #expect(decision == test.decision)
        #expect(moved.keys.sorted() == test.moved.keys.sorted())
        for (key, expected) in test.moved {
            #expect(abs((moved[key] ?? .distantPast).timeIntervalSince(Self.at(expected))) < 1e-6, "\(key)")
        }
    }

    @Test("a burst through the throttle leaves evenly spaced, never more than the rate in any period")
    func burstHoldsTheRate() {
        var slots: [String: Date] = [:]
        var sent: [Double] = []
        var waiting: [(until: Double, reserved: Double?)] = Array(repeating: (0, nil), count: 40)
        var now = 0.0
        // Forty deliveries at once, each asking again when told; the clock jumps to the next wake-up.
        while !waiting.isEmpty {
            waiting.sort { $0.until < $1.until }
            let next = waiting.removeFirst()
            now = max(now, next.until)
            let (decision, moved) = Throttle.decide(ThrottleRequest(endpoint: Self.hook), slots: slots, now: Self.at(now),
                                                    horizon: 30, reserved: next.reserved.map(Self.at))
            slots.merge(moved) { _, new in new }
            switch decision {
            case .send: sent.append(now)
            case .wait(let until, let reserved):
                waiting.append((until.timeIntervalSince(Self.t0), reserved?.timeIntervalSince(Self.t0)))
            case .postpone: Issue.record("nothing is beyond the horizon here")
            }
        }
        #expect(sent.count == 40)
        for (index, time) in sent.enumerated() {
            #expect(sent.filter { $0 >= time && $0 < time + 1 }.count <= 5, "window from message \(index)")
        }
    }

    @Test("a batch of asks is decided as the same asks one after another: same decisions, same slots moved")
    func batchDecidesInOrder() {
        let other = ThrottleRule(key: ThrottleRule.key("matrix room"), rate: .perSecond(5))
        let bot = ThrottleRule(key: ThrottleRule.key("telegram bot"), rate: .perSecond(2))
        let asks = [
            ThrottleAsk(ThrottleRequest(endpoint: Self.hook)),
            ThrottleAsk(ThrottleRequest(endpoint: other, shared: [bot])),
            ThrottleAsk(ThrottleRequest(endpoint: Self.hook)),
            ThrottleAsk(ThrottleRequest(endpoint: Self.hook), reserved: Self.at(0)),
            ThrottleAsk(ThrottleRequest(endpoint: other, shared: [bot], cost: 3)),
            ThrottleAsk(ThrottleRequest(endpoint: Self.hook)),
        ]
        let start = [Self.hook.key: Self.at(0.05)]
        var slots = start
        var oneByOne: [ThrottleDecision] = []
        for ask in asks {
            let (decision, moved) = Throttle.decide(ask.request, slots: slots, now: Self.at(0.1), horizon: 0.5,
                                                    reserved: ask.reserved)
            slots.merge(moved) { $1 }
            oneByOne.append(decision)
        }
        var batched = start
        let (decisions, moved) = Throttle.decide(asks, slots: &batched, now: Self.at(0.1), horizon: 0.5)
        #expect(decisions == oneByOne)
        #expect(batched == slots)
        #expect(start.merging(moved) { $1 } == slots)
        // Not all alike: the batch has sends, waits and a postponement in it.
        #expect(Set(decisions.map { "\($0)".prefix(4) }).count == 3, "\(decisions)")
    }

    @Test("a run's slots kept in memory on SQLite decide as the store does, and the next run holds what this one left")
    func runSlotsOnSQLite() throws {
        let folder = try TemporaryDirectory("casewatch-run-slots")
        let path = folder.url.appendingPathComponent("casewatch.sqlite").path
        let other = ThrottleRule(key: ThrottleRule.key("matrix room"), rate: .perSecond(5))
        let asks = [ThrottleRequest(endpoint: Self.hook), ThrottleRequest(endpoint: other), ThrottleRequest(endpoint: Self.hook),
                    ThrottleRequest(endpoint: Self.hook), ThrottleRequest(endpoint: Self.hook)].map { ThrottleAsk($0) }
        // The same burst through the store, one transaction per ask, on a store of its own.
        let reference = try SQLiteStateStore(path: folder.url.appendingPathComponent("reference.sqlite").path)
        let expected = try asks.map { try reference.throttle($0.request, now: Self.at(0), horizon: 0.5, reserved: nil) }

        let store = try SQLiteStateStore(path: path)
        let run = RunSlots(store: store, flushSize: 1_000)
        let decided = try asks.flatMap { try run.throttle([$0], now: Self.at(0), horizon: 0.5) }
        #expect(decided == expected)
        #expect(try store.slots([Self.hook.key]).isEmpty)  // nothing written before the flush
        try run.flush()
        #expect(try store.slots([Self.hook.key, other.key]) == (try reference.slots([Self.hook.key, other.key])))

        // The next run starts from the slots this one left: the endpoint is still busy.
        let next = RunSlots(store: try SQLiteStateStore(path: path))
        let first = try next.throttle([ThrottleAsk(ThrottleRequest(endpoint: Self.hook))], now: Self.at(0.05), horizon: 0.1)
        guard case .postpone = first[0] else {
            Issue.record("the next run must wait for the slots left: \(first)")
            return
        }
    }

    @Test("subscribers sharing an endpoint share its rate; the slowest file holds")
    func sharedEndpoints() {
        let rates = EndpointRates([
            Subscriber(id: "a", name: "A", webhook: WebhookEndpoint(url: "https://h.example.org/x", secretEnv: "S",
                                                                  rate: .perSecond(20))),
            Subscriber(id: "b", name: "B", webhook: WebhookEndpoint(url: "https://h.example.org/x", secretEnv: "S",
                                                                  rate: .perSecond(5))),
            Subscriber(id: "c", name: "C", webhook: WebhookEndpoint(url: "https://h.example.org/y", secretEnv: "S")),
        ])
        #expect(rates[.webhook, "https://h.example.org/x"] == .perSecond(5))
        #expect(rates[.webhook, "https://h.example.org/y"] == nil)
        let webhook = WebhookChannel(delivery: .unconfigured, environment: ProcessEnvironment([:]))
        let draft = { (subscriber: String) in
            OutboxDraft(eventID: "e", subscriberID: subscriber, channel: .webhook, recipient: "https://h.example.org/x",
                        messageID: "m", payload: [])
        }
        #expect(webhook.throttle(draft("a"), rate: rates[.webhook, "https://h.example.org/x"])
            == webhook.throttle(draft("b"), rate: rates[.webhook, "https://h.example.org/x"]))
        #expect(webhook.throttle(draft("c"), rate: nil) == nil)  // a webhook without a rate is not throttled
    }

    @Test("the channels' own limits: Matrix 5/s a room by default; Telegram per chat, per group, per bot")
    func channelLimits() throws {
        let matrix = MatrixChannel(delivery: .unconfigured, environment: ProcessEnvironment([:]))
        let room = OutboxDraft(eventID: "e", subscriberID: "s", channel: .matrix, recipient: "https://m/rooms/x",
                               messageID: "m", payload: [])
        #expect(matrix.throttle(room, rate: nil)?.endpoint.rate == .perSecond(5))
        #expect(matrix.throttle(room, rate: .perMinute(2))?.endpoint.rate == .perMinute(2))
        let telegram = TelegramChannel(delivery: .unconfigured,
                                       environment: ProcessEnvironment(["TG": "123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PAL"]))
        let person = OutboxDraft(eventID: "e", subscriberID: "s", channel: .telegram, recipient: "42", messageID: "m",
                                 payload: Array("hello".utf8), secretEnv: "TG")
        var group = person
        group.recipient = "-1001234567890"
        let one = try #require(telegram.throttle(person, rate: nil))
        let other = try #require(telegram.throttle(group, rate: nil))
        #expect(one.endpoint.rate == .perSecond(1) && other.endpoint.rate == .perMinute(20))
        #expect(one.shared == other.shared && one.shared.map(\.rate) == [.perSecond(30)])
        #expect(one.endpoint.key != other.endpoint.key)
        // Keys hold no address, chat id or token.
        #expect((one.keys + other.keys).allSatisfy { $0.count == 64 && $0.allSatisfy(\.isHexDigit) })
    }

    @Test("the run hands a held-back delivery out again at its slot, before anything newly claimed")
    func runWaitsForSlots() {
        let job = { (id: Int64) in
            DeliveryJob(outboxID: id, draft: OutboxDraft(eventID: "e", subscriberID: "s", channel: .webhook,
                                                         recipient: "r", messageID: "m\(id)", payload: []), attempts: 0)
        }
        var run = DeliveryRun(lanes: 1, claimSize: 2, recordSize: 2)
        #expect(run.nextWork(now: Self.at(0)) == .claim(limit: 2))
        run.claimed([job(1), job(2)])
        #expect(run.nextWork(now: Self.at(0)) == .send(job(1)))
        run.throttled(job(1), until: Self.at(0.5), reserved: Self.at(0.5))
        #expect(run.nextWork(now: Self.at(0)) == .send(job(2)))
        #expect(run.postponed(job(2), until: Self.at(40)) == nil)
        #expect(run.nextWork(now: Self.at(0.1)) == .claim(limit: 2))
        run.claimed([job(3)])
        #expect(run.nextWork(now: Self.at(0.6)) == .sendReserved(job(1), slot: Self.at(0.5)))
        #expect(run.nextWork(now: Self.at(0.6)) == .send(job(3)))
        run.throttled(job(3), until: Self.at(0.9), reserved: nil)
        #expect(run.nextWork(now: Self.at(0.6)) == .claim(limit: 2))
        run.claimed([])
        #expect(run.nextWork(now: Self.at(0.6)) == .sleep(until: Self.at(0.9)))
        #expect(run.unstarted.map(\.outboxID) == [3])
        #expect(run.nextWork(now: Self.at(0.9)) == .send(job(3)))
        #expect(run.nextWork(now: Self.at(0.9)) == .finish)
        #expect(run.remainingPostponements().map(\.outboxID) == [2])
        #expect(run.report.postponed == 1)
    }

    @Test("on the in-memory store: one endpoint held to its rate, the rest put off unattempted, another not slowed")
    func cycleOnMemoryStore() async throws {
        let store = MemoryStateStore()
        let drafts = (0..<8).map { n in
            OutboxDraft(eventID: "evt_\(n)", subscriberID: "s\(n)", channel: .webhook,
                        recipient: n < 6 ? "https://slow.example.org" : "https://fast.example.org",
                        messageID: "m\(n)", payload: [])
        }
        try await store.enqueue(drafts, now: Self.t0)
        let hooks = RecordingChannel(id: .webhook)
        var rates = EndpointRates()
        rates.insert(.perSecond(2), channel: .webhook, address: "https://slow.example.org")  // every 0.55 s
        let cycle = DeliveryCycle(
            queue: store, settings: DeliverySettings(channels: ChannelRegistry([hooks]), concurrency: 2,
                                                     retry: RetryPolicy(schedule: [60])),
            logger: Logger(label: "test"), clock: { Self.t0 }, jitter: { 0 }, rates: rates, throttleHorizon: 1.2)
        let report = try await cycle.run()
        // Slots at 0, 0.55 and 1.1 fall within the run's 1.2 s; the other three are put off.
        #expect(report.delivered == 5 && report.postponed == 3, "\(report)")
        let entries = try await store.outboxEntries(states: nil, limit: 10)
        let waiting = entries.filter { $0.state == .pending }
        #expect(waiting.count == 3 && waiting.allSatisfy { $0.attempts == 0 })
        #expect(waiting.allSatisfy { ($0.nextAttemptAt ?? .distantPast) > Self.at(1.2) })
        for entry in waiting { #expect(try await store.attempts(outboxID: entry.id).isEmpty) }
        let sent = hooks.log.sent.map(\.draft.recipient)
        #expect(Array(sent.filter { $0.contains("fast") }).count == 2)
        // The fast endpoint's two went before the slow one's second.
        let fastLast = try #require(sent.lastIndex { $0.contains("fast") })
        let slowSecond = try #require(sent.indices.filter { sent[$0].contains("slow") }.dropFirst().first)
        #expect(fastLast < slowSecond)
    }
}
