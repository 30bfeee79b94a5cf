import Foundation

/// The environment variables CaseWatch reads its secrets from (SMTP password, webhook secrets, link
/// keys), in a value that never prints them.
///
/// Anything that logs a value's description — a `ServiceGroup` describing its services at debug level,
/// an error interpolated into a message — sees only how many variables there are, never a name or a
/// value: `description`, `debugDescription` and the reflection mirror all withhold them.
public struct ProcessEnvironment: Sendable, ExpressibleByDictionaryLiteral {
    private let variables: [String: String]

    public init(_ variables: [String: String]) {
        self.variables = variables
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(Dictionary(elements, uniquingKeysWith: { $1 }))
    }

    /// The environment this process was started with.
    public static var current: ProcessEnvironment { ProcessEnvironment(ProcessInfo.processInfo.environment) }

    /// The value of one variable, nil when it is unset.
    public subscript(name: String) -> String? { variables[name] }
}

extension ProcessEnvironment: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "environment (\(variables.count) variables, values withheld)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
