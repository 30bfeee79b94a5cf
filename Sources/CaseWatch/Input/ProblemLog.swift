/// Collects the problems found while decoding one file, so that one pass reports all of them.
final class ProblemLog {
    let file: String
    private(set) var problems: [InputProblem] = []
    /// Errors logged so far; decoders compare it before and after a record, once per record.
    private(set) var errorCount = 0

    init(file: String) {
        self.file = file
    }

    func error(_ message: String, field: String?, line: Int?) {
        problems.append(InputProblem(file: file, line: line, field: field, message: message))
        errorCount += 1
    }

    func warning(_ message: String, field: String?, line: Int?) {
        problems.append(InputProblem(file: file, line: line, field: field, message: message, severity: .warning))
    }

    var hasErrors: Bool { errorCount > 0 }
}

@available(*, unavailable)
extension ProblemLog: Sendable {}
