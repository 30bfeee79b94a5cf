/// Suggests the intended word for a near miss, so errors can say "did you mean".
package enum Spelling {
    /// The choice within a small edit distance of `word`, if one is clearly closest.
    package static func closest(to word: String, among choices: [String]) -> String? {
        let limit = max(1, word.count / 3)
        let ranked = choices.map { (choice: $0, distance: distance(word.lowercased(), $0)) }
            .filter { $0.distance <= limit }
            .sorted { $0.distance < $1.distance }
        return ranked.first?.choice
    }

    /// Levenshtein distance over characters.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
