import Foundation
import Yams

/// A parsed YAML or JSON document, reduced to what CaseWatch's decoders need: scalars, lists and
/// ordered maps, each with the line it starts on (JSON documents carry no lines).
///
/// Decoders walk this tree instead of using `Codable` so that every problem can name its line, and so
/// that one decoder serves both file formats.
package indirect enum SourceNode: Sendable {
    case scalar(String, line: Int?)
    case null(line: Int?)
    case list([SourceNode], line: Int?)
    case map([(key: String, value: SourceNode)], line: Int?)

    package var line: Int? {
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
    ///
    /// Aliases are expanded against a budget of nodes proportional to the text (see
    /// ``YAMLExpansionBudget``), so a few hundred bytes of nested aliases ("billion laughs") are refused
    /// at once instead of being walked into gigabytes.
    package static func parseYAML(_ text: String, file: String) throws(InputError) -> SourceNode {
        let root: Yams.Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw InputError([error.problem(file: file)])
        } catch {
            throw InputError([InputProblem(file: file, line: nil, field: nil, message: "YAML: unreadable text")])
        }
        guard let root else { return .null(line: 1) }
        var budget = YAMLExpansionBudget(textLength: text.utf8.count)
        guard let node = SourceNode(root, budget: &budget) else {
            throw InputError([InputProblem(
                file: file, line: budget.exhaustedAt, field: nil,
                message: "YAML aliases expand to more than \(budget.limit) nodes; "
                    + "write the values out instead of nesting aliases")])
        }
        return node
    }

    /// Converts a composed node, spending one unit of `budget` per node reached (aliases included,
    /// once per place they are used); nil when the budget runs out.
    init?(_ node: Yams.Node, budget: inout YAMLExpansionBudget) {
        let line = node.mark?.line
        guard budget.spend(line: line) else { return nil }
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain, ["", "~", "null", "Null", "NULL"].contains(scalar.string) {
                self = .null(line: line)
            } else {
                self = .scalar(scalar.string, line: line)
            }
        case .sequence(let sequence):
            var items: [SourceNode] = []
            items.reserveCapacity(sequence.count)
            for item in sequence {
                guard let converted = SourceNode(item, budget: &budget) else { return nil }
                items.append(converted)
            }
            self = .list(items, line: line)
        case .mapping(let mapping):
            var pairs: [(key: String, value: SourceNode)] = []
            pairs.reserveCapacity(mapping.count)
            for (key, value) in mapping {
                guard let converted = SourceNode(value, budget: &budget) else { return nil }
                pairs.append((key: key.string ?? "\(key)", value: converted))
            }
            self = .map(pairs, line: line)
        case .alias:
            self = .null(line: line)
        }
    }
}

/// How many nodes a YAML document may expand to: a file without aliases has fewer nodes than bytes,
/// so four nodes a byte (and at least 10,000) leaves room for honest aliases and none for a bomb.
package struct YAMLExpansionBudget: Sendable {
    package let limit: Int
    private var spent = 0
    /// The line of the node that ran the budget out.
    package private(set) var exhaustedAt: Int?

    package init(textLength: Int) {
        limit = max(10_000, textLength.multipliedReportingOverflow(by: 4).partialValue)
    }

    mutating func spend(line: Int?) -> Bool {
        spent += 1
        if spent > limit {
            exhaustedAt = exhaustedAt ?? line
            return false
        }
        return true
    }
}

extension YamlError {
    func problem(file: String) -> InputProblem {
        switch self {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _):
            let prefix = context.map { "\($0.text) " } ?? ""
            return InputProblem(file: file, line: mark.line, field: nil, message: "YAML syntax: \(prefix)\(problem)")
        case .composer(let context, let problem, let mark, _):
            let prefix = context.map { "\($0.text) " } ?? ""
            return InputProblem(file: file, line: mark.line, field: nil, message: "YAML: \(prefix)\(problem)")
        case .reader(let problem, _, _, _):
            return InputProblem(file: file, line: nil, field: nil, message: "YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            // The library's own description repeats the whole document; name the keys and the line only.
            let keys = duplicates.prefix(5).map { "\"\($0.prefix(80))\"" }.joined(separator: ", ")
            return InputProblem(file: file, line: context.mark.line, field: nil, message: "duplicate key \(keys)")
        default:
            return InputProblem(file: file, line: nil, field: nil, message: "YAML: \(String(describing: self).prefix(200))")
        }
    }
}
