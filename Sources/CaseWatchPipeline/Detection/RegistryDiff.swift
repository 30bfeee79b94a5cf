import Foundation
import CaseWatchModel

/// The whole-registry side of detection: which cases are new, changed or gone, and what to record.
///
/// Works on digests first so an unchanged case costs one hash and one dictionary look-up; only cases
/// whose digest moved have their last-seen snapshot decoded and compared field by field.
package struct RegistryDiff: Sendable {
    /// Snapshots to write: new and changed cases, with their canonical JSON and its digest.
    package var upserts: [SnapshotRow] = []
    /// Cases gone from every source.
    package var removals: [String] = []
    package var events: [CaseEvent] = []
    /// Unchanged cases now read from another source than recorded: only their source is rewritten.
    package var retags: [(id: String, source: String)] = []
    /// The registry as loaded (shared, not copied): the store writes each upsert's canonical JSON from
    /// its case here as it stores it, rather than have every changed case's JSON held till then.
    package var cases: [String: LegalCase] = [:]

    package init() {}

    /// - Parameters:
    ///   - current: the registry as loaded now.
    ///   - seen: the digest of every case's last-seen snapshot.
    ///   - previous: loads last-seen snapshots by id (only called for changed and removed cases).
    ///   - announceAdditions: false on a silent first sync.
    ///   - frozen: cases whose source was not read this time (an unchanged or failing feed): they keep
    ///     their snapshots and none counts as removed.
    ///   - logs: what the event log says of each case read anew that changed or is gone (its newest event, and which
    ///     event announced each of its steps); only called for those.
    package static func compute(
        current: [String: LegalCase], seen: [String: SnapshotDigest], frozen: Set<String> = [],
        previous: ([String]) async throws -> [String: LegalCase],
        logs: ([String]) async throws -> [String: CaseAnnouncements] = { _ in [:] },
        announceAdditions: Bool, detectedAt: Date, rules: DetectionRules = DetectionRules()
    ) async rethrows -> RegistryDiff {
        var diff = RegistryDiff()
        diff.cases = current
        // Every case is written and hashed: the bulk of the work, split in two halves, one per core,
        // each on a Dispatch thread (as loading is) so that neither holds the cooperative pool. Each
        // half comes sorted by id, and the two are merged.
        let middle = current.index(current.startIndex, offsetBy: current.count / 2)
        async let firstHalf = Blocking.run { changedRows(current[..<middle], seen: seen, rules: rules) }
        let secondHalf = await Blocking.run { changedRows(current[middle...], seen: seen, rules: rules) }
        diff.upserts = merged(await firstHalf, secondHalf)
        let removed = seen.keys.filter { current[$0] == nil && !frozen.contains($0) }
        let known = diff.upserts.map(\.id).filter { seen[$0] != nil } + removed
        let earlier = try await previous(known)
        let log = known.isEmpty ? [:] : try await logs(known)

        for row in diff.upserts {
            diff.events += ChangeDetector.events(previous: earlier[row.id], current: current[row.id],
                                                 detectedAt: detectedAt, announceAdditions: announceAdditions,
                                                 log: log[row.id] ?? CaseAnnouncements(), rules: rules)
        }
        for id in removed.sorted() {
            diff.removals.append(id)
            diff.events += ChangeDetector.events(previous: earlier[id], current: nil, detectedAt: detectedAt,
                                                 log: log[id] ?? CaseAnnouncements(), rules: rules)
        }
        return diff
    }

    /// The snapshot rows of cases none of which was seen before, sorted by id.
    package static func newRows(_ cases: [String: LegalCase], rules: DetectionRules) -> [SnapshotRow] {
        changedRows(cases[...], seen: [:], rules: rules)
    }

    /// The snapshot rows of the cases whose digest is not the one seen.
    private static func changedRows(_ cases: Slice<[String: LegalCase]>, seen: [String: SnapshotDigest],
                                    rules: DetectionRules) -> [SnapshotRow]
    {
        var changed: [SnapshotRow] = []
        // One buffer for every case's canonical JSON, which is only hashed here: the store writes a
        // changed case's again as it stores it (``SnapshotJSONStream``), rather than have it held till then.
        var writer = JSONWriter(capacity: 4096)
        for (id, legalCase) in cases {
            legalCase.writeCanonicalJSON(into: &writer)
            let digest = SnapshotDigest(writer.bytes)
            guard seen[id] != digest else { continue }
            changed.append(SnapshotRow(id: id, digest: digest,
                                       hearingAt: legalCase.nextHearing.flatMap { rules.moment(of: $0, in: legalCase) }))
        }
        changed.sort { $0.id < $1.id }
        return changed
    }

    /// Two lists of rows sorted by id (no id in both), as one.
    static func merged(_ first: [SnapshotRow], _ second: [SnapshotRow]) -> [SnapshotRow] {
        var rows: [SnapshotRow] = []
        rows.reserveCapacity(first.count + second.count)
        var (i, j) = (first.startIndex, second.startIndex)
        while i < first.endIndex, j < second.endIndex {
            if first[i].id < second[j].id {
                rows.append(first[i])
                i += 1
            } else {
                rows.append(second[j])
                j += 1
            }
        }
        rows += first[i...]
        rows += second[j...]
        return rows
    }
}

/// One case's last-seen snapshot as the store keeps it.
package struct SnapshotRow: Sendable {
    package let id: String
    package let digest: SnapshotDigest
    /// The file or feed it came from.
    package var source: String?
    /// When its next hearing is, if it has one, at the court (see ``DetectionRules/moment(of:in:)``).
    package var hearingAt: Date?

    package init(id: String, digest: SnapshotDigest, source: String? = nil, hearingAt: Date? = nil) {
        self.id = id
        self.digest = digest
        self.source = source
        self.hearingAt = hearingAt
    }
}
