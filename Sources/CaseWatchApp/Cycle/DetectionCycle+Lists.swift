import CaseWatchModel
import CaseWatchSources
import CaseWatchStore
import Foundation

/// Official lists: an entry that leaves a list is not a removed case but a designation lifted — its case stays, with
/// a `delisted` step dated the list's as-of date (the first list without it) — and a list that loses more entries
/// at once than `registry.max_removals` allows fails as a source instead, changing nothing, unless the operator
/// accepted it (`casewatch sources accept-empty`).
extension DetectionCycle {
    /// - Returns: the lists whose accepted retraction this cycle applies (their acceptance is then spent).
    func delistLeavers(_ load: inout RegistryLoad, accepted: Set<String>, now: Date) async throws -> Set<String> {
        var spent: Set<String> = []
        for (list, asOf) in load.lists.sorted(by: { $0.key < $1.key }) {
            let recorded = try await store.caseIDs(fromSources: [list]).keys
            let leavers = recorded.filter { load.cases[$0] == nil && !load.claimedIDs.contains($0) }.sorted()
            guard !leavers.isEmpty else { continue }
            let previous = try await store.snapshots(ids: leavers)
            let newlyLeft = leavers.compactMap { previous[$0] }.filter { $0.history.last?.status != .delisted }
            if newlyLeft.count > configuration.registry.maxRemovals, !accepted.contains(list) {
                load.failFeed(list, reason: "\(newlyLeft.count) entries left the list at once (more than "
                    + "registry.max_removals, \(configuration.registry.maxRemovals)); its cases stay as last seen. "
                    + "If they really left: casewatch sources accept-empty \(list)")
                continue
            }
            if newlyLeft.count > configuration.registry.maxRemovals { spent.insert(list) }
            let date = asOf ?? CalendarDate(now, in: TimeZone(identifier: "Europe/Moscow")!)
            for id in leavers {
                guard var legalCase = previous[id] else { continue }
                // A type without a delisting (a table's own) has no step to say it: the case is removed instead.
                guard legalCase.type.statuses.contains(.delisted) else { continue }
                if legalCase.history.last?.status != .delisted {
                    // Only the list's silence is known: no body, no order number, and the note says so.
                    legalCase.history.append(CaseStep(date: date, status: .delisted, note: Self.leftTheList))
                    if let derived = LegalCase.derivedStatus(of: legalCase.history) {
                        legalCase.status = derived.status
                        legalCase.outcome = derived.outcome
                    }
                }
                load.carry(legalCase, source: list)
            }
        }
        return spent
    }

    private static let leftTheList = LocalizedText([
        "en": "No longer on the official list as of this date (the list gives no exclusion date).",
        "ru": "На эту дату отсутствует в официальном перечне (дата исключения в перечне не указана).",
        "fr": "Ne figure plus sur la liste officielle à cette date (la liste n'indique pas de date d'exclusion).",
    ])!

    /// The setting that records which hand-kept case claims an entry (`claim:` and the entry's claim).
    static let claimPrefix = "claim:"

    /// Hand-kept cases that claim entries of a list read afresh although their own files were not read (unchanged):
    /// their recorded forms take in the entries' steps, so a change of the list still reaches the case that claims
    /// the entry, and the entry never becomes a case of its own. Which case claims what is kept in the store.
    func mergeRecordedClaims(_ load: inout RegistryLoad, dryRun: Bool) async throws {
        if !dryRun {
            for (id, legalCase) in load.cases {
                for claim in legalCase.imports { try await store.setSetting(Self.claimPrefix + claim, id) }
            }
        }
        guard !load.lists.isEmpty else { return }
        var claimers: Set<String> = []
        for (key, claimer) in try await store.settings(withPrefix: Self.claimPrefix) where load.cases[claimer] == nil {
            if load.claimable[String(key.dropFirst(Self.claimPrefix.count))] != nil { claimers.insert(claimer) }
        }
        guard !claimers.isEmpty else { return }
        let sources = try await store.seenSnapshots().sources
        let snapshots = try await store.snapshots(ids: claimers.sorted())
        // Their claims on lists recognised unchanged (not parsed) need those lists' entries too.
        load.readClaimedLists(for: snapshots.values.flatMap(\.imports))
        for (id, recorded) in snapshots {
            guard let source = sources[id] else { continue }
            load.carryClaimer(recorded, source: source)
        }
    }

    /// The setting that keeps what a list's last good read held: its entries and its as-of date (`sources`).
    static func listKey(_ source: String) -> String { "list:" + source }

    /// Records, for each list read afresh, how many entries it held and its as-of date.
    func recordListReads(_ load: RegistryLoad) async throws {
        for (list, asOf) in load.lists {
            let entries = load.listSizes[list] ?? 0
            try await store.setSetting(Self.listKey(list), "\(entries)" + (asOf.map { " \($0)" } ?? ""))
        }
    }
}
