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
    /// at once instead of being walked into gigabytes. Text over ``InputLimits/yamlFile`` is refused unparsed, and
    /// lists and maps nested deeper than ``InputLimits/nesting`` are refused. An `id` written as a number or a
    /// boolean (`id: 1e999`) is refused too: ids are text, and a number is a slip, not a name.
    package static func parseYAML(_ text: String, file: String) throws(InputError) -> SourceNode {
        guard text.utf8.count <= InputLimits.yamlFile else {
            throw InputError([InputProblem(
                file: file, line: nil, field: nil,
                message: "larger than the limit of \(InputLimits.describe(InputLimits.yamlFile)) for a YAML file; "
                    + "it was not read")])
        }
        let root: Yams.Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw InputError([error.problem(file: file)])
        } catch {
            throw InputError([InputProblem(file: file, line: nil, field: nil, message: "YAML: unreadable text")])
        }
        guard let root else { return .null(line: 1) }
        var conversion = YAMLConversion(budget: YAMLExpansionBudget(textLength: text.utf8.count))
        guard let node = SourceNode(root, depth: 0, conversion: &conversion) else {
            if let line = conversion.tooDeepAt {
                throw InputError([InputProblem(
                    file: file, line: line, field: nil,
                    message: "lists and maps nested deeper than \(InputLimits.nesting) levels")])
            }
            throw InputError([InputProblem(
                file: file, line: conversion.budget.exhaustedAt, field: nil,
                message: "YAML aliases expand to more than \(conversion.budget.limit) nodes; "
                    + "write the values out instead of nesting aliases")])
        }
        guard conversion.typedIDs.isEmpty else {
            throw InputError(conversion.typedIDs.map { id in
                InputProblem(file: file, line: id.line, field: id.field,
                             message: "\(id.text.prefix(40)) is \(id.kind), not an id: an id is text "
                                + "(a slug such as moscow-helsinki-group-liquidation)")
            })
        }
        return node
    }

    /// Keys whose values are names, never numbers: a plain `1e999`, `42` or `true` under them is refused.
    static let textKeys: Set<String> = ["id"]

    /// Converts a composed node, spending one unit of the budget per node reached (aliases included,
    /// once per place they are used); nil when the budget runs out or the nesting is too deep.
    init?(_ node: Yams.Node, depth: Int, conversion: inout YAMLConversion) {
        let line = node.mark?.line
        guard conversion.budget.spend(line: line) else { return nil }
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain, ["", "~", "null", "Null", "NULL"].contains(scalar.string) {
                self = .null(line: line)
            } else {
                self = .scalar(scalar.string, line: line)
            }
        case .sequence(let sequence):
            guard depth < InputLimits.nesting else {
                conversion.tooDeepAt = line
                return nil
            }
            var items: [SourceNode] = []
            items.reserveCapacity(sequence.count)
            for item in sequence {
                guard let converted = SourceNode(item, depth: depth + 1, conversion: &conversion) else { return nil }
                items.append(converted)
            }
            self = .list(items, line: line)
        case .mapping(let mapping):
            guard depth < InputLimits.nesting else {
                conversion.tooDeepAt = line
                return nil
            }
            var pairs: [(key: String, value: SourceNode)] = []
            pairs.reserveCapacity(mapping.count)
            for (key, value) in mapping {
                let name = key.string ?? "\(key)"
                if Self.textKeys.contains(name), case .scalar(let scalar) = value, scalar.style == .plain {
                    let kind: String? = switch value.tag.rawValue {
                    case Tag.Name.int.rawValue, Tag.Name.float.rawValue: "a number"
                    case Tag.Name.bool.rawValue: "a boolean"
                    default: nil
                    }
                    if let kind {
                        conversion.typedIDs.append((scalar.string, kind, name, value.mark?.line))
                    }
                }
                guard let converted = SourceNode(value, depth: depth + 1, conversion: &conversion) else { return nil }
                pairs.append((key: name, value: converted))
            }
            self = .map(pairs, line: line)
        case .alias:
            self = .null(line: line)
        }
    }
}

/// What converting a composed YAML document has spent and found so far.
struct YAMLConversion {
    var budget: YAMLExpansionBudget
    /// The line of a list or map nested deeper than ``InputLimits/nesting``.
    var tooDeepAt: Int?
    /// Values of ``SourceNode/textKeys`` written as numbers or booleans.
    var typedIDs: [(text: String, kind: String, field: String, line: Int?)] = []
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
        case .scanner(_, let problem, let mark, _) where problem.hasPrefix("Maximum nesting level"),
             .parser(_, let problem, let mark, _) where problem.hasPrefix("Maximum nesting level"):
            // libyaml's own limit (1,000 levels), met before CaseWatch's.
            return InputProblem(file: file, line: mark.line, field: nil,
                                message: "lists and maps nested deeper than \(InputLimits.nesting) levels")
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
