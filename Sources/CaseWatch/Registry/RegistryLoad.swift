/// The cases read from the registry's sources, with every problem found on the way.
public struct RegistryLoad: Sendable {
    /// Cases by id.
    public private(set) var cases: [String: LegalCase] = [:]
    /// Where each case was read, for duplicate-id messages.
    private var origins: [String: (file: String, line: Int?)] = [:]
    public var problems: [InputProblem] = []
    /// Sources that could not be read this time; while any is listed, no case counts as removed.
    public var unavailableSources: [String] = []

    public init() {}

    public var isComplete: Bool { unavailableSources.isEmpty }

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

    mutating func merge(_ other: RegistryLoad) {
        problems += other.problems
        unavailableSources += other.unavailableSources
        for (id, legalCase) in other.cases {
            let origin = other.origins[id]
            add(legalCase, file: origin?.file ?? "", line: origin?.line)
        }
    }
}
