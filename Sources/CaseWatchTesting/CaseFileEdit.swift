/// Edits a YAML case file of the sample registry as an operator would: a step appended to its history.
package enum CaseFileEdit {
    /// `text` with `step` (a YAML flow map such as `{date: 2026-11-01, status: closed}`) as the last item of its
    /// `history:` list, before the next top-level key.
    package static func appendingStep(_ step: String, to text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("history:") }) else {
            return text + "\nhistory:\n  - \(step)\n"
        }
        var end = start + 1
        while end < lines.count, lines[end].isEmpty || lines[end].hasPrefix(" ") || lines[end].hasPrefix("#") { end += 1 }
        // Back over trailing blank and comment lines, so the step follows the last item.
        while end > start + 1, lines[end - 1].trimmingCharacters(in: .whitespaces).isEmpty
            || lines[end - 1].trimmingCharacters(in: .whitespaces).hasPrefix("#")
        {
            end -= 1
        }
        lines.insert("  - \(step)", at: end)
        return lines.joined(separator: "\n")
    }

    /// `text` without its last history step (an operator's edit undone).
    package static func droppingLastStep(from text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("history:") }) else { return text }
        var end = start + 1
        while end < lines.count, lines[end].isEmpty || lines[end].hasPrefix(" ") || lines[end].hasPrefix("#") { end += 1 }
        guard let last = lines[(start + 1)..<end].lastIndex(where: { $0.hasPrefix("  - ") }) else { return text }
        var stop = last + 1
        while stop < end, lines[stop].hasPrefix("    ") { stop += 1 }
        lines.removeSubrange(last..<stop)
        return lines.joined(separator: "\n")
    }
}
