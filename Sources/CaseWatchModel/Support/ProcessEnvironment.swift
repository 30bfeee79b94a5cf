import Foundation

/// The environment variables CaseWatch reads its secrets from (SMTP password, webhook secrets, link
/// keys), in a value that never prints them.
///
/// Anything that logs a value's description — a `ServiceGroup` describing its services at debug level,
/// an error interpolated into a message — sees only how many variables there are, never a name or a
/// value: `description`, `debugDescription` and the reflection mirror all withhold them.
package struct ProcessEnvironment: Sendable, ExpressibleByDictionaryLiteral {
    private let variables: [String: String]

    package init(_ variables: [String: String]) {
        self.variables = variables
    }

    package init(dictionaryLiteral elements: (String, String)...) {
        self.init(Dictionary(elements, uniquingKeysWith: { $1 }))
    }

    /// The environment this process was started with.
    package static var current: ProcessEnvironment { ProcessEnvironment(ProcessInfo.processInfo.environment) }

    /// The value of one variable, nil when it is unset.
    package subscript(name: String) -> String? { variables[name] }
}

extension ProcessEnvironment: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    package var description: String { "environment (\(variables.count) variables, values withheld)" }
    package var debugDescription: String { description }
    package var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
