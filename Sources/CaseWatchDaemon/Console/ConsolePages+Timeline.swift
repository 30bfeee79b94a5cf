import CaseWatchModel
import CaseWatchStore
import Foundation

extension ConsolePages {
    /// A case's timeline: its steps, its events, and every delivery of every event (each replay included); nil when
    /// the store has no such case.
    func timeline(caseID: String) async throws -> (title: String, values: [String: Any])? {
        guard let legalCase = try await store.snapshots(ids: [caseID])[caseID] else { return nil }
        let subscribers = await subscribers()
        var events: [[String: Any]] = []
        for event in try await store.events(caseID: caseID).reversed() {
            var deliveries: [[String: Any]] = []
            let generations = try await store.nextGeneration(eventID: event.id)
            for generation in 0..<max(1, generations) {
                for entry in try await store.outboxEntries(eventID: event.id, generation: generation) {
                    deliveries.append(try await deliveryRow(entry, subscribers: subscribers, caseID: nil))
                }
            }
            var row: [String: Any] = [
                "id": event.id, "type": event.type.rawValue, "occurred": event.occurredOn?.description ?? "",
                "summary": event.summaryLine, "detected": ConsoleText.date(event.detectedAt),
                "deliveries": deliveries, "hasDeliveries": !deliveries.isEmpty,
            ]
            if let withdrawal = event.withdrawal { row["withdrawal"] = withdrawal }
            events.append(row)
        }
        var values: [String: Any] = [
            "id": legalCase.id, "country": legalCase.country, "type": legalCase.type.rawValue,
            "status": legalCase.status.rawValue,
            "steps": legalCase.history.map { step -> [String: Any] in
                ["date": step.date.description, "status": step.status.rawValue, "outcome": step.outcome?.rawValue ?? "",
                 "body": (step.court ?? step.authority)?.english ?? "", "note": step.note?.english ?? ""]
            },
            "events": events, "hasEvents": !events.isEmpty,
        ]
        if let court = legalCase.court?.english { values["court"] = court }
        return (legalCase.subject.name(in: .en), values)
    }
}
