/// Collects the problems found while decoding one file, so that one pass reports all of them.
package final class ProblemLog {
    package let file: String
    package private(set) var problems: [InputProblem] = []
    /// Errors logged so far; decoders compare it before and after a record, once per record.
    package private(set) var errorCount = 0

    package init(file: String) {
        self.file = file
    }

    package func error(_ message: String, field: String?, line: Int?) {
        problems.append(InputProblem(file: file, line: line, field: field, message: message))
        errorCount += 1
    }

    package func warning(_ message: String, field: String?, line: Int?) {
        problems.append(InputProblem(file: file, line: line, field: field, message: message, severity: .warning))
    }

    package var hasErrors: Bool { errorCount > 0 }
}

@available(*, unavailable)
extension ProblemLog: Sendable {}
