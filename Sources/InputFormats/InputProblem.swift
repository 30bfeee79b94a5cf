/// One thing wrong (or doubtful) in an operator's file, located precisely enough to fix it.
///
/// Prints as `registry/mhg.yaml:7: status: "liquidatd" is not a status (did you mean "liquidated"?)`:
/// file, line where the parser knows it, field path, and why.
package struct InputProblem: Sendable, Equatable, CustomStringConvertible {
    package enum Severity: String, Sendable { case error, warning }

    package var file: String
    package var line: Int?
    package var field: String?
    package var message: String
    package var severity: Severity

    package init(file: String, line: Int?, field: String?, message: String, severity: Severity = .error) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
        self.severity = severity
    }

    package var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if severity == .warning { text += "warning: " }
        if let field, !field.isEmpty { text += "\(field): " }
        return text + message
    }
}

/// Bad input data: the run stops with exit 65 before anything is recorded or sent.
package struct InputError: Error, Sendable, CustomStringConvertible {
    package let problems: [InputProblem]

    package init(_ problems: [InputProblem]) {
        self.problems = problems
    }

    package var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}

extension Array where Element == InputProblem {
    package var errors: [InputProblem] { filter { $0.severity == .error } }
    package var warnings: [InputProblem] { filter { $0.severity == .warning } }

    /// Throws the errors among these problems, if any.
    package func throwIfErrors() throws(InputError) {
        let errors = errors
        if !errors.isEmpty { throw InputError(errors) }
    }
}
