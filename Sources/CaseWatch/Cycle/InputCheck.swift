/// `casewatch check`: loads everything an operator edits and collects every problem, without writing.
public struct InputCheck: Sendable {
    public let configuration: Configuration

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    public struct Report: Sendable {
        public var problems: [InputProblem]
        public var caseCount: Int

        public var errorCount: Int { problems.errors.count }
        public var summary: String { "ok: \(caseCount) case(s)" }
    }

    public func run() async -> Report {
        let load = await Registry(configuration: configuration).load()
        return Report(problems: load.problems, caseCount: load.cases.count)
    }
}
