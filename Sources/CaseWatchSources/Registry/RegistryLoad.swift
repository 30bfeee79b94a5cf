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

    package init() {}

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
