/// Collects the problems found while decoding one file, so that one pass reports all of them.
final class ProblemLog {
    let file: String
    private(set) var problems: [InputProblem] = []

    init(file: String) {
        self.file = file
    }

    func error(_ message: String, field: String?, line: Int?) {
        problems.append(InputProblem(file: file, line: line, field: field, message: message))
    }

    func warning(_ message: String, field: String?, line: Int?) {
        problems.append(InputProblem(file: file, line: line, field: field, message: message, severity: .warning))
    }

    var hasErrors: Bool { problems.contains { $0.severity == .error } }
}

@available(*, unavailable)
extension ProblemLog: Sendable {}
