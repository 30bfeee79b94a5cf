/// Reads the fields of one map node, reporting each problem with its field path and line.
///
/// Every key read is remembered; ``finish()`` warns about the keys nobody read, which is how a typo
/// in an optional field (`next_hearnig:`) gets noticed instead of silently ignored.
package struct MapReader {
    package let path: String
    package let line: Int?
    private let entries: [(key: String, value: SourceNode)]
    /// Which entries a reader asked for, by position (maps past 64 keys fall back to the set).
    private var readMask: UInt64 = 0
    private var readBeyond: Set<Int> = []
    package let log: ProblemLog

    /// Returns nil (and logs why) when `node` is not a map.
    package init?(_ node: SourceNode, path: String, log: ProblemLog) {
        guard case .map(let entries, let line) = node else {
            log.error("expected a map, found \(node.kindName)", field: path.isEmpty ? nil : path, line: node.line)
            return nil
        }
        self.entries = entries
        self.line = line
        self.path = path
        self.log = log
        // Pairwise for the maps of case files (a dozen keys, no allocation); a set for anything larger.
        if entries.count <= 16 {
            for index in entries.indices.dropFirst()
            where entries[..<index].contains(where: { $0.key == entries[index].key }) {
                log.error("appears twice", field: fieldPath(entries[index].key), line: entries[index].value.line)
            }
        } else {
            var seen: Set<String> = []
            for entry in entries where !seen.insert(entry.key).inserted {
                log.error("appears twice", field: fieldPath(entry.key), line: entry.value.line)
            }
        }
    }

    /// The keys present, in file order.
    package var keys: [String] { entries.map(\.key) }

    package func fieldPath(_ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    /// The node under `key`, nil when absent or null; logs a missing required field.
    package mutating func node(_ key: String, required: Bool = false) -> SourceNode? {
        let position = entries.firstIndex { $0.key == key }
        if let position {
            if position < 64 { readMask |= 1 << UInt64(position) } else { readBeyond.insert(position) }
        }
        let value = position.map { entries[$0].value }
        switch value {
        case nil, .null?:
            if required { log.error("is required", field: fieldPath(key), line: value?.line ?? line) }
            return nil
        case let value?:
            return value
        }
    }

    package mutating func string(_ key: String, required: Bool = false) -> String? {
        guard let node = node(key, required: required) else { return nil }
        guard case .scalar(let text, _) = node else {
            log.error("expected a text value, found \(node.kindName)", field: fieldPath(key), line: node.line)
            return nil
        }
        if text.utf8.contains(0) {
            log.error("contains a NUL character", field: fieldPath(key), line: node.line)
            return nil
        }
        return text
    }

    /// A whole number within `range`.
    package mutating func int(_ key: String, in range: ClosedRange<Int>) -> Int? {
        guard let text = string(key) else { return nil }
        if let value = Int(text), range.contains(value) { return value }
        log.error("\"\(text)\" is not a whole number from \(range.lowerBound) to \(range.upperBound)",
                  field: fieldPath(key), line: node(key)?.line)
        return nil
    }

    /// A value from a closed set, with a suggestion when it is a near miss.
    package mutating func value<Value: RawRepresentable & CaseIterable>(
        _ key: String, as type: Value.Type, required: Bool = false, noun: String
    ) -> Value? where Value.RawValue == String {
        guard let text = string(key, required: required) else { return nil }
        if let value = Value(rawValue: text) { return value }
        let names = Value.allCases.map(\.rawValue)
        log.error(Self.notOneOf(text, noun: noun, choices: names), field: fieldPath(key), line: node(key)?.line)
        return nil
    }

    /// The items of a list field; a single scalar is not accepted as a list.
    package mutating func list(_ key: String, required: Bool = false) -> [SourceNode]? {
        guard let node = node(key, required: required) else { return nil }
        guard case .list(let items, _) = node else {
            log.error("expected a list, found \(node.kindName)", field: fieldPath(key), line: node.line)
            return nil
        }
        return items
    }

    package mutating func stringList(_ key: String, required: Bool = false) -> [String]? {
        guard let items = list(key, required: required) else { return nil }
        var strings: [String] = []
        for (index, item) in items.enumerated() {
            guard case .scalar(let text, _) = item else {
                log.error("expected a text value, found \(item.kindName)", field: "\(fieldPath(key))[\(index)]",
                          line: item.line)
                continue
            }
            strings.append(text)
        }
        return strings
    }

    package mutating func map(_ key: String, required: Bool = false) -> MapReader? {
        guard let node = node(key, required: required) else { return nil }
        return MapReader(node, path: fieldPath(key), log: log)
    }

    /// Warns about every key that no reader asked for.
    package func finish() {
        for (position, entry) in entries.enumerated() {
            let wasRead = position < 64 ? readMask & (1 << UInt64(position)) != 0 : readBeyond.contains(position)
            if !wasRead { log.warning("unknown field, ignored", field: fieldPath(entry.key), line: entry.value.line) }
        }
    }

    package static func notOneOf(_ text: String, noun: String, choices: [String]) -> String {
        var message = "\"\(text)\" is not \(noun)"
        if let suggestion = Spelling.closest(to: text, among: choices) {
            message += " (did you mean \"\(suggestion)\"?)"
        } else {
            message += " (one of: \(choices.joined(separator: ", ")))"
        }
        return message
    }
}
