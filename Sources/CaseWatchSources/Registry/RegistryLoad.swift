import CaseWatchModel
import InputFormats
/// The cases read from the registry's sources, with every problem found on the way.
package struct RegistryLoad: Sendable {
    /// Cases by id.
    package private(set) var cases: [String: LegalCase] = [:]
    /// Where each case was read, for duplicate-id messages.
    private var origins: [String: (file: String, line: Int?)] = [:]
    package var problems: [InputProblem] = []
    /// The source each case came from: its file (as the operator names it) or its feed's address.
    package var sourceOfCase: [String: String] = [:]
    /// Sources not read this time (a file unchanged since the last run, a feed that answered 304 or
    /// failed): their cases keep their last-seen snapshots, and none of them counts as removed.
    package var frozenSources: Set<String> = []
    /// The stat signature of each case file read afresh, to recognise it unchanged next time.
    package var fileSignatures: [String: String] = [:]
    /// Why each failed feed failed, for the operator.
    package var feedFailures: [String: String] = [:]
    /// The validators of the feeds read afresh, to keep for the next conditional GET.
    package var feedValidators: [String: RegistryFeed.Validators] = [:]
    /// The official lists read afresh this time, with the date each says it is current as of (when it says).
    package var lists: [String: CalendarDate?] = [:]
    /// How many entries each of those lists held.
    package var listSizes: [String: Int] = [:]
    /// The SHA-256 (lowercase hex) of each imported case's normalised list row, by case id: the evidence of the
    /// events about it. Filled by the importer for the lists read afresh.
    package var rowDigests: [String: String] = [:]
    /// Every entry of the lists read this time, changed or not, by its claim (`minjust-undesirable:138-р/2023-02-07`):
    /// what a hand-kept case's `imports:` may take in.
    package var claimable: [String: LegalCase] = [:]
    /// The ids of imported cases that a hand-kept case claimed: they are part of that case, not cases of their own.
    package var claimedIDs: Set<String> = []
    /// On a first sync recorded as it is read: takes each case read from a file instead of this load (its origin is
    /// kept, for duplicate ids), but those that claim list entries, which stay here to be merged.
    package var spill: CaseSpill?
    /// Official lists recognised unchanged without being parsed, by source: how to read their entries, should a
    /// claim need them (``readClaimedLists(for:)``).
    package var unparsedLists: [String: UnparsedList] = [:]

    package init() {}

    /// Hand-kept cases that claim entries of official lists (`imports:`) take in those entries' steps — the steps
    /// they do not have already (same date and status) — and the entries stop being cases of their own. The
    /// operator's fields are never changed; the status follows the history only when the case's status was the one
    /// its own steps gave. A claim that no list read this time holds is a warning.
    package mutating func mergeClaims() {
        readClaimedLists(for: cases.values.flatMap(\.imports))
        for (id, legalCase) in cases where !legalCase.imports.isEmpty {
            cases[id] = takeIn(legalCase, file: origins[id]?.file ?? id, line: origins[id]?.line)
        }
    }

    /// A hand-kept case not read this time (its file unchanged) that claims entries of a list read afresh: its
    /// recorded form takes in their steps, and it is carried as a case of `source` again.
    package mutating func carryClaimer(_ legalCase: LegalCase, source: String) {
        add(takeIn(legalCase, file: source, line: nil), file: source, line: nil)
    }

    /// `legalCase` with the steps of the entries it claims; those entries stop being cases of their own.
    private mutating func takeIn(_ legalCase: LegalCase, file: String, line: Int?) -> LegalCase {
        var merged = legalCase
        let derivedBefore = LegalCase.derivedStatus(of: legalCase.history)
        for claim in legalCase.imports {
            guard let imported = claimable[claim] else {
                problems.append(InputProblem(
                    file: file, line: line, field: "imports",
                    message: "\"\(claim)\" is in no official list read this time; its steps are not added",
                    severity: .warning))
                continue
            }
            for step in imported.history where merged.type.statuses.contains(step.status)
                && !merged.history.contains(where: { $0.date == step.date && $0.status == step.status })
            {
                merged.history.append(step)
            }
            if imported.id != legalCase.id {
                cases[imported.id] = nil
                origins[imported.id] = nil
                sourceOfCase[imported.id] = nil
            }
            claimedIDs.insert(imported.id)
        }
        merged.history.sort { $0.date < $1.date }
        if let before = derivedBefore, before.status == legalCase.status,
           let after = LegalCase.derivedStatus(of: merged.history)
        {
            merged.status = after.status
            merged.outcome = after.outcome
        }
        return merged
    }

    /// A case of a list that the list no longer holds, with its `delisted` step added: it stays a case of `source`.
    package mutating func carry(_ legalCase: LegalCase, source: String) {
        add(legalCase, file: source, line: nil)
    }

    mutating func add(_ legalCase: LegalCase, file: String, line: Int?) {
        if let first = origins[legalCase.id] {
            let place = first.line.map { "\(first.file):\($0)" } ?? first.file
            problems.append(InputProblem(file: file, line: line, field: "id",
                                         message: "\"\(legalCase.id)\" is already used by \(place)"))
            return
        }
        origins[legalCase.id] = (file, line)
        if let spill, legalCase.imports.isEmpty {
            spill.take(legalCase, file)
            return
        }
        cases[legalCase.id] = legalCase
        sourceOfCase[legalCase.id] = file
    }

    /// Adds `other`'s cases and problems.
    mutating func merge(_ other: RegistryLoad) {
        problems += other.problems
        for (id, legalCase) in other.cases {
            let origin = other.origins[id]
            add(legalCase, file: origin?.file ?? "", line: origin?.line)
        }
    }

    /// Takes back what a feed brought this time: it failed after all, and its cases stay as last seen.
    package mutating func failFeed(_ feed: String, reason: String) {
        for (id, source) in sourceOfCase where source == feed {
            cases[id] = nil
            origins[id] = nil
            sourceOfCase[id] = nil
        }
        feedValidators[feed] = nil
        frozenSources.insert(feed)
        feedFailures[feed] = reason
    }

    /// What the sources said this time, for the store to keep.
    package var readings: SourceReadings {
        SourceReadings(fileSignatures: fileSignatures, feedValidators: feedValidators, frozenSources: frozenSources,
                       feedFailures: feedFailures)
    }

    /// Where a case was read, for messages.
    func origin(of id: String) -> String? {
        origins[id].map { origin in origin.line.map { "\(origin.file):\($0)" } ?? origin.file }
    }
}
