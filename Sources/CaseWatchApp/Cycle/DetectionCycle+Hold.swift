import CaseWatchModel
import CaseWatchPipeline
import CaseWatchSources
import CaseWatchStore
import Foundation

/// The hold window (`delivery.hold`): an event's alerts wait that long after detection. When a case changes again
/// while the alerts of its latest events have not left, those events are taken back and the case's change is
/// computed anew from how it stood before them: an edit undone within the hold sends nothing, and an edit
/// corrected within it sends the corrected facts once, with no correction.
extension DetectionCycle {
    /// What the hold settles in one cycle: the case before each case's new events, and the events withdrawn.
    struct HoldSettlement {
        var priors: [String: LegalCase?] = [:]
        var withdrawals: [String: String] = [:]
    }

    /// Rewrites `diff`'s events of cases whose latest events are held, and names the held events they replace.
    func settleHeld(_ diff: inout RegistryDiff, announce: Bool, now: Date) async throws -> HoldSettlement {
        let hold = configuration.delivery.hold
        var settlement = HoldSettlement()
        let changed = Array(Set(diff.events.filter { !$0.type.isReminder }.map(\.caseID))).sorted()
        guard hold > 0, !changed.isEmpty else { return settlement }
        let before = try await store.snapshots(ids: changed)
        for id in changed { settlement.priors[id] = before[id] }
        let held = try await store.heldEvents(caseIDs: changed, since: now.addingTimeInterval(-hold))
        for (caseID, heldEvents) in held.sorted(by: { $0.key < $1.key }) {
            let log = try await store.events(caseID: caseID, since: nil).filter { !$0.type.isReminder }
            // Only the case's latest events, all of them still held, can be taken back.
            let heldIDs = Set(heldEvents.map(\.event.id))
            var start = log.endIndex
            while start > log.startIndex, heldIDs.contains(log[start - 1].id) { start -= 1 }
            guard start < log.endIndex,
                  let first = heldEvents.first(where: { $0.event.id == log[start].id }), first.priorKnown
            else { continue }
            let net = ChangeDetector.events(
                previous: first.prior, current: diff.cases[caseID], detectedAt: now, announceAdditions: announce,
                log: CaseAnnouncements(events: Array(log[..<start])), rules: rules)
            diff.events.removeAll { $0.caseID == caseID && !$0.type.isReminder }
            diff.events += net
            settlement.priors[caseID] = first.prior
            let kept = Set(net.map(\.id))
            for event in log[start...] where !kept.contains(event.id) {
                settlement.withdrawals[event.id] = net.isEmpty ? "the change was undone within the hold"
                    : "the case changed again within the hold"
            }
            logger.notice("held alerts taken back: the case changed again before they left", metadata: [
                "case.id": "\(caseID)", "withdrawn": "\(log[start...].filter { !kept.contains($0.id) }.map(\.id))",
                "events": "\(net.map(\.id))",
            ])
        }
        return settlement
    }
}
