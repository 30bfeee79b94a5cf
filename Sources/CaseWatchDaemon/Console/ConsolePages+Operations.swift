import CaseWatchApp
import CaseWatchModel
import CaseWatchStore
import Foundation

extension ConsolePages {
    /// The outbox: deliveries waiting or failing (pending, retrying) and dead letters, the newest 200 of each.
    func outbox() async throws -> [String: Any] {
        let subscribers = await subscribers()
        var caseOfEvent: [String: String] = [:]
        func rows(_ states: [OutboxState]) async throws -> [String: Any] {
            var rows: [[String: Any]] = []
            for entry in try await store.outboxEntries(states: states, limit: 200) {
                if caseOfEvent[entry.eventID] == nil {
                    caseOfEvent[entry.eventID] = try await store.event(id: entry.eventID)?.caseID ?? ""
                }
                rows.append(try await deliveryRow(entry, subscribers: subscribers, caseID: caseOfEvent[entry.eventID]))
            }
            return ["deliveries": rows, "hasDeliveries": !rows.isEmpty]
        }
        return ["waiting": try await rows([.pending, .retrying]), "dead": try await rows([.dead])]
    }

    /// The subscribers with the state of each endpoint: opt-outs, bounces, disabled endpoints.
    func subscriberList() async throws -> [String: Any] {
        let roster = SubscriberRoster(configuration: await live.configuration, store: store)
        let views = try await roster.views()
        return ["subscribers": views.map { view -> [String: Any] in
            let states = Set(view.endpoints.map(\.state))
            return [
                "id": view.id, "name": view.name, "language": view.language.rawValue,
                "delivery": view.delivery + (view.digest.map { " (\($0))" } ?? ""),
                "canResubscribe": !states.isDisjoint(with: [OptOut.Kind.unsubscribed.rawValue, OptOut.Kind.bounced.rawValue]),
                "canEnable": states.contains(OptOut.Kind.disabled.rawValue),
                "endpoints": view.endpoints.map { endpoint -> [String: Any] in
                    var row: [String: Any] = ["channel": endpoint.channel.rawValue,
                                              "address": ConsoleText.endpoint(endpoint.address), "state": endpoint.state]
                    if let reason = endpoint.reason { row["reason"] = reason }
                    if let since = endpoint.since { row["since"] = since }
                    return row
                },
            ]
        }]
    }

    /// Every silence, newest first, with whether it holds now.
    func silenceList(labels: ConsoleLabels, now: Date) async throws -> [String: Any] {
        let silences = try await store.silences(activeAt: nil)
        return ["hasSilences": !silences.isEmpty, "silences": silences.map { silence -> [String: Any] in
            let active = silence.isActive(at: now)
            return ["id": String(silence.id), "active": active, "state": labels[active ? "active" : "expired"],
                    "matcher": silence.matcher.rawValue, "value": silence.value,
                    "until": ConsoleText.date(silence.endsAt), "reason": silence.reason]
        }]
    }

    /// The sources and importers (as `casewatch sources` lists them), the dispatcher's status and its nodes (as
    /// `casewatch status` shows them).
    func sourcesAndNodes(labels: ConsoleLabels, now: Date) async throws -> [String: Any] {
        let configuration = await live.configuration
        let status = try await StatusReport.read(configuration: configuration, store: store, now: now)
        let sources = try await SourcesReport(configuration: configuration, store: store).sources()
        let nodes = status.nodes ?? []
        return [
            "status": ["registrySize": status.registrySize, "events": status.events, "queueDepth": status.queueDepth,
                       "delivered": status.delivered, "deadLetters": status.deadLetters],
            "lastCycle": status.lastCycle.map { "\($0.finishedAt) (\($0.cases) case(s), \($0.events) event(s))" }
                ?? labels["none"],
            "sources": sources.map { source -> [String: Any] in
                ["id": source.id, "kind": source.kind, "location": ConsoleText.endpoint(source.location),
                 "cases": source.cases, "entries": source.entries.map(String.init) ?? "", "asOf": source.asOf ?? "",
                 "lastGoodFetch": source.lastGoodFetch ?? "", "lastError": source.lastError ?? ""]
            },
            "hasNodes": !nodes.isEmpty,
            "nodes": nodes.map { node -> [String: Any] in
                ["id": node.id, "seenAt": node.seenAt, "leasesHeld": node.leasesHeld,
                 "leads": labels[node.leads ? "yes" : "no"], "configDigest": node.configDigest ?? ""]
            },
        ]
    }
}
