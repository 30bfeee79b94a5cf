import CaseWatchApp
import CaseWatchModel
import CaseWatchStore
import Foundation
import InputFormats

/// The console's actions, each the same operation the CLI runs (``DeliveryLevers``, ``EventReplay``,
/// ``SilenceRequest``), answered with the flash message the page shows after the redirect.
struct ConsoleActions: Sendable {
    let live: LiveInputs
    let store: any StateStore
    let environment: ProcessEnvironment
    let labels: ConsoleLabels

    enum Action: String, CaseIterable {
        case retry = "outbox/retry"
        case replay = "events/replay"
        case withdraw = "events/withdraw"
        case resubscribe = "subscribers/resubscribe"
        case enable = "subscribers/enable"
        case addSilence = "silences/add"
        case expireSilence = "silences/expire"
    }

    /// Runs `action` with the form's fields; returns the flash message. A subscriber the files lack comes back as
    /// a message, not an error page.
    func perform(_ action: Action, form: [String: String], now: Date) async throws -> String {
        let configuration = await live.configuration
        let levers = DeliveryLevers(configuration: configuration, store: store)
        let id = form["id"] ?? ""
        let event = form["event"] ?? ""
        do {
            switch action {
            case .retry:
                guard let outboxID = Int64(id), try await levers.retry(outboxID: outboxID, now: now) != nil else {
                    return labels.format("flash_no_delivery", ["id": id])
                }
                return labels.format("flash_retried", ["id": id])
            case .replay:
                let replay = EventReplay(configuration: configuration, environment: environment, store: store)
                guard let result = try await replay.run(eventID: event, now: now) else {
                    return labels.format("flash_no_event", ["event": event])
                }
                return labels.format("flash_replayed", ["count": String(result.queued), "event": event,
                                                        "generation": String(result.generation)])
            case .withdraw:
                guard let count = try await levers.withdraw(eventID: event, reason: labels["withdraw_reason"], now: now)
                else { return labels.format("flash_no_event", ["event": event]) }
                return labels.format("flash_withdrawn", ["event": event, "count": String(count)])
            case .resubscribe:
                let lifted = try await levers.resubscribe(subscriberID: id)
                return lifted.isEmpty ? labels.format("flash_not_unsubscribed", ["id": id])
                    : labels.format("flash_resubscribed", ["id": id, "channels": Self.names(lifted)])
            case .enable:
                let enabled = try await levers.enable(subscriberID: id)
                return enabled.isEmpty ? labels.format("flash_not_disabled", ["id": id])
                    : labels.format("flash_enabled", ["id": id, "channels": Self.names(enabled)])
            case .addSilence:
                return try await addSilence(form, now: now)
            case .expireSilence:
                guard let silenceID = Int64(id), try await store.expireSilence(id: silenceID, now: now) else {
                    return labels.format("flash_no_silence", ["id": id])
                }
                return labels.format("flash_expired", ["id": id])
            }
        } catch let error as InputError {
            return labels.format("flash_refused", ["problem": "\(error)"])
        }
    }

    private func addSilence(_ form: [String: String], now: Date) async throws -> String {
        let matcher = Silence.Matcher(rawValue: form["matcher"] ?? "")
        let value = form["value"] ?? ""
        let parsed = SilenceRequest.parse(caseID: matcher == .case ? value : nil,
                                          subscriber: matcher == .subscriber ? value : nil,
                                          type: matcher == .type ? value : nil,
                                          duration: form["duration"] ?? "", reason: form["reason"] ?? "")
        switch parsed {
        case .failure(let problem):
            return labels.format("flash_not_silenced", ["problem": problem.description])
        case .success(let request):
            let silence = try await request.add(to: store, now: now)
            return labels.format("flash_silenced", [
                "id": String(silence.id), "matcher": request.matcher.rawValue, "value": request.value,
                "until": ConsoleText.date(silence.endsAt),
            ])
        }
    }

    private static func names(_ channels: [ChannelID]) -> String {
        channels.map(\.rawValue).joined(separator: ", ")
    }
}
