/// The cases read from the registry's sources, with every problem found on the way.
public struct RegistryLoad: Sendable {
    /// Cases by id.
    public private(set) var cases: [String: LegalCase] = [:]
    /// Where each case was read, for duplicate-id messages.
    private var origins: [String: (file: String, line: Int?)] = [:]
    public var problems: [InputProblem] = []
    /// The feed each case came from (cases from folders are not listed).
    public var feedOfCase: [String: String] = [:]
    /// Feeds not read this time (unchanged, or failed): their cases keep their last-seen snapshots, and
    /// none of them counts as removed.
    public var frozenFeeds: Set<String> = []
    /// Why each failed feed failed, for the operator.
    public var feedFailures: [String: String] = [:]
    /// The validators of the feeds read afresh, to keep for the next conditional GET.
    public var feedValidators: [String: RegistryFeed.Validators] = [:]

    public init() {}

    mutating func add(_ legalCase: LegalCase, file: String, line: Int?) {
        if let first = origins[legalCase.id] {
            let place = first.line.map { "\(first.file):\($0)" } ?? first.file
            problems.append(InputProblem(file: file, line: line, field: "id",
                                         message: "\"\(legalCase.id)\" is already used by \(place)"))
            return
        }
        origins[legalCase.id] = (file, line)
        cases[legalCase.id] = legalCase
    }

    /// Adds `other`'s cases and problems; `feed` names the feed they came from, if any.
    mutating func merge(_ other: RegistryLoad, feed: String? = nil) {
        problems += other.problems
        for (id, legalCase) in other.cases {
            let origin = other.origins[id]
            add(legalCase, file: origin?.file ?? "", line: origin?.line)
            if let feed { feedOfCase[id] = feed }
        }
    }
}
