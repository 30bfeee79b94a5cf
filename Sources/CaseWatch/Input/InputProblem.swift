/// One thing wrong (or doubtful) in an operator's file, located precisely enough to fix it.
///
/// Prints as `registry/mhg.yaml:7: status: "liquidatd" is not a status (did you mean "liquidated"?)`:
/// file, line where the parser knows it, field path, and why.
public struct InputProblem: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }

    public var file: String
    public var line: Int?
    public var field: String?
    public var message: String
    public var severity: Severity

    public init(file: String, line: Int?, field: String?, message: String, severity: Severity = .error) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
        self.severity = severity
    }

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if severity == .warning { text += "warning: " }
        if let field, !field.isEmpty { text += "\(field): " }
        return text + message
    }
}

/// Bad input data: the run stops with exit 65 before anything is recorded or sent.
public struct InputError: Error, Sendable, CustomStringConvertible {
    public let problems: [InputProblem]

    public init(_ problems: [InputProblem]) {
        self.problems = problems
    }

    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}

extension Array where Element == InputProblem {
    var errors: [InputProblem] { filter { $0.severity == .error } }
    var warnings: [InputProblem] { filter { $0.severity == .warning } }

    /// Throws the errors among these problems, if any.
    func throwIfErrors() throws(InputError) {
        let errors = errors
        if !errors.isEmpty { throw InputError(errors) }
    }
}
