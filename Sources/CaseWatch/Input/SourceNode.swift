import Foundation
import Yams

/// A parsed YAML or JSON document, reduced to what CaseWatch's decoders need: scalars, lists and
/// ordered maps, each with the line it starts on (JSON documents carry no lines).
///
/// Decoders walk this tree instead of using `Codable` so that every problem can name its line, and so
/// that one decoder serves both file formats.
public indirect enum SourceNode: Sendable {
    case scalar(String, line: Int?)
    case null(line: Int?)
    case list([SourceNode], line: Int?)
    case map([(key: String, value: SourceNode)], line: Int?)

    public var line: Int? {
        switch self {
        case .scalar(_, let line), .null(let line), .list(_, let line), .map(_, let line): line
        }
    }

    var kindName: String {
        switch self {
        case .scalar: "a value"
        case .null: "null"
        case .list: "a list"
        case .map: "a map"
        }
    }
}

extension SourceNode {
    /// Parses YAML text; a syntax error becomes a problem with the parser's line.
    public static func parseYAML(_ text: String, file: String) throws(InputError) -> SourceNode {
        do {
            guard let node = try Yams.compose(yaml: text) else { return .null(line: 1) }
            return SourceNode(node)
        } catch let error as YamlError {
            throw InputError([error.problem(file: file)])
        } catch {
            throw InputError([InputProblem(file: file, line: nil, field: nil, message: "\(error)")])
        }
    }

    init(_ node: Yams.Node) {
        let line = node.mark?.line
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain, ["", "~", "null", "Null", "NULL"].contains(scalar.string) {
                self = .null(line: line)
            } else {
                self = .scalar(scalar.string, line: line)
            }
        case .sequence(let sequence):
            self = .list(sequence.map(SourceNode.init), line: line)
        case .mapping(let mapping):
            self = .map(mapping.map { (key: $0.key.string ?? "\($0.key)", value: SourceNode($0.value)) }, line: line)
        case .alias:
            self = .null(line: line)
        }
    }
}

extension YamlError {
    func problem(file: String) -> InputProblem {
        switch self {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _):
            let prefix = context.map { "\($0.text) " } ?? ""
            return InputProblem(file: file, line: mark.line, field: nil, message: "YAML syntax: \(prefix)\(problem)")
        default:
            return InputProblem(file: file, line: nil, field: nil, message: "YAML: \(self)")
        }
    }
}
