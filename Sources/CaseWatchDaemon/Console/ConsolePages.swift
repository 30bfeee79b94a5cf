import CaseWatchApp
import CaseWatchModel
import CaseWatchStore
import Foundation

/// What each console page shows, read from the store and the live configuration, as Mustache contexts. Reads
/// only; the actions are in ``ConsoleActions``.
struct ConsolePages: Sendable {
    let live: LiveInputs
    let store: any StateStore

    /// The cases page: the last-seen registry, searched and filtered by ``ConsoleCaseQuery``.
    func cases(_ query: ConsoleCaseQuery) async throws -> [String: Any] {
        let all = try await allCases()
        let (page, total, pageCount) = query.select(all)
        func options(_ values: [String], selected: String) -> [[String: Any]] {
            values.map { ["value": $0, "selected": $0 == selected] }
        }
        var values: [String: Any] = [
            "query": query.text, "total": total, "page": min(query.page, pageCount),
            "countries": options(Set(all.map(\.country)).sorted(), selected: query.country),
            "types": options(CaseType.allCases.map(\.rawValue), selected: query.type),
            "statuses": options(CaseStatus.allCases.map(\.rawValue), selected: query.status),
            "hasCases": !page.isEmpty,
            "cases": page.map { legalCase -> [String: Any] in
                ["id": legalCase.id, "name": legalCase.subject.name(in: .en), "country": legalCase.country,
                 "type": legalCase.type.rawValue, "status": legalCase.status.rawValue,
                 "latestStep": legalCase.history.last.map { "\($0.date) \($0.status.rawValue)" } ?? ""]
            },
        ]
        if pageCount > 1 { values["pageCount"] = pageCount }
        if query.page > 1 { values["previous"] = query.url(page: min(query.page, pageCount) - 1) }
        if query.page < pageCount { values["next"] = query.url(page: query.page + 1) }
        return values
    }

    /// Every last-seen case. The registry is a few thousand cases at most, read whole: filtering them in memory
    /// keeps the search the same on every engine.
    private func allCases() async throws -> [LegalCase] {
        let ids = try await store.seenSnapshots().digests.keys
        return Array(try await store.snapshots(ids: Array(ids)).values)
    }

    /// The subscribers of the live configuration, by id (read without their secrets).
    func subscribers() async -> [String: Subscriber] {
        let configuration = await live.configuration
        let roster = SubscriberRoster(configuration: configuration, store: store)
        return Dictionary(roster.subscribers().map { ($0.id, $0) }) { first, _ in first }
    }

    /// One delivery as a row: its endpoint (without credentials) and the last reply its receiver gave.
    func deliveryRow(_ entry: OutboxEntry, subscribers: [String: Subscriber], caseID: String?) async throws
        -> [String: Any]
    {
        var row: [String: Any] = [
            "id": String(entry.id), "channel": entry.channel.rawValue, "subscriber": entry.subscriberID,
            "endpoint": subscribers[entry.subscriberID]?.address(on: entry.channel).map(ConsoleText.endpoint) ?? "",
            "state": entry.state.rawValue, "attempts": entry.attempts,
        ]
        if entry.generation > 0 { row["generation"] = entry.generation }
        let last = try await store.attempts(outboxID: entry.id).last
        let reply = last.map { attempt in
            (attempt.code.map { "\($0) " } ?? "") + attempt.detail
        } ?? entry.lastError
        if let reply, !reply.isEmpty { row["lastReply"] = reply }
        if let caseID {
            row["event"] = entry.eventID
            row["caseID"] = caseID
        }
        return row
    }
}
