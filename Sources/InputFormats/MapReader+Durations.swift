extension MapReader {
    /// A duration such as `250ms`, `5s`, `5m`, `2h` or `7d`, in seconds, within `range`.
    package mutating func duration(_ key: String, in range: ClosedRange<Double>) -> Double? {
        guard let text = string(key) else { return nil }
        return check(text, range: range, field: fieldPath(key), line: node(key)?.line)
    }

    /// A list of durations, each within `range`; empty only when `allowEmpty` (`reminders: []` means none).
    package mutating func durations(_ key: String, in range: ClosedRange<Double>, allowEmpty: Bool = false) -> [Double]? {
        guard let texts = stringList(key) else { return nil }
        if texts.isEmpty, !allowEmpty {
            log.error("give at least one duration", field: fieldPath(key), line: node(key)?.line)
            return nil
        }
        let values = texts.enumerated().compactMap { index, text in
            check(text, range: range, field: "\(fieldPath(key))[\(index)]", line: node(key)?.line)
        }
        return values.count == texts.count ? values : nil
    }

    private func check(_ text: String, range: ClosedRange<Double>, field: String, line: Int?) -> Double? {
        guard let seconds = DurationText.seconds(text) else {
            log.error("\"\(text)\" is not a duration (like 30s, 5m, 2h, 7d)", field: field, line: line)
            return nil
        }
        guard range.contains(seconds) else {
            log.error("\"\(text)\" is outside \(DurationText.format(range.lowerBound))–\(DurationText.format(range.upperBound))",
                      field: field, line: line)
            return nil
        }
        return seconds
    }
}

/// Durations as operators write them in YAML.
package enum DurationText {
    static func format(_ seconds: Double) -> String {
        for (unit, size) in [("d", 86400.0), ("h", 3600), ("m", 60), ("s", 1)] where seconds >= size
            && seconds.truncatingRemainder(dividingBy: size) == 0
        {
            return "\(Int(seconds / size))\(unit)"
        }
        return "\(Int(seconds * 1000))ms"
    }

    package static func seconds(_ text: String) -> Double? {
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        for unit in units where text.hasSuffix(unit.suffix) {
            guard let value = Double(text.dropLast(unit.suffix.count)), value >= 0, value.isFinite else { return nil }
            return value * unit.seconds
        }
        return nil
    }
}
