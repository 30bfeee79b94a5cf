extension MapReader {
    /// A duration such as `250ms`, `5s`, `5m`, `2h` or `7d`, in seconds.
    mutating func duration(_ key: String) -> Double? {
        guard let text = string(key) else { return nil }
        guard let seconds = DurationText.seconds(text) else {
            log.error("\"\(text)\" is not a duration (like 30s, 5m, 2h, 7d)", field: fieldPath(key), line: node(key)?.line)
            return nil
        }
        return seconds
    }

    mutating func durations(_ key: String) -> [Double]? {
        guard let texts = stringList(key) else { return nil }
        var values: [Double] = []
        for (index, text) in texts.enumerated() {
            guard let seconds = DurationText.seconds(text) else {
                log.error("\"\(text)\" is not a duration (like 30s, 5m, 2h, 7d)", field: "\(fieldPath(key))[\(index)]",
                          line: node(key)?.line)
                continue
            }
            values.append(seconds)
        }
        return values
    }
}

/// Durations as operators write them in YAML.
enum DurationText {
    static func seconds(_ text: String) -> Double? {
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        for unit in units where text.hasSuffix(unit.suffix) {
            guard let value = Double(text.dropLast(unit.suffix.count)), value >= 0, value.isFinite else { return nil }
            return value * unit.seconds
        }
        return nil
    }
}
