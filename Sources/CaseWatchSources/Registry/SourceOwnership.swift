import InputFormats

/// Who owns each case when some sources were read anew and others were not: a pure function of the ids each side
/// holds.
///
/// Cases of sources not read this time stay as recorded. An id that a source read anew shares with such a source
/// is a duplicate across sources, as if both had been read:
/// - a feed read anew that takes an id a file or another feed holds fails as a feed (someone else's feed never
///   stops the run);
/// - a file that takes an id a feed not read this time holds wins, with a warning;
/// - two files holding one id is an error, as it would be were both read.
package struct SourceOwnership: Sendable, Equatable {
    /// Recorded cases of sources not read this time, with their source.
    package var frozen: [String: String]
    /// What the clashes make of the files' load: errors and warnings, located at the file read anew.
    package var problems: [InputProblem]
    /// Feeds read anew that fail because of a clash, with why.
    package var clashingFeeds: [String: String]

    /// - Parameters:
    ///   - frozen: the recorded cases of the sources not read this time, with their source.
    ///   - readFrom: the source each case read anew came from.
    ///   - isFeed: whether a source is a feed (the configuration says), rather than a case file.
    package static func resolve(frozen: [String: String], readFrom: [String: String], isFeed: (String) -> Bool)
        -> SourceOwnership
    {
        var problems: [InputProblem] = []
        var clashingFeeds: [String: String] = [:]
        for (id, owner) in frozen.sorted(by: { $0.key < $1.key }) {
            guard let source = readFrom[id], source != owner else { continue }
            if isFeed(source) {
                clashingFeeds[source] = clashingFeeds[source] ?? "case id \"\(id)\" is already used by \(owner)"
            } else if isFeed(owner) {
                problems.append(InputProblem(file: source, line: nil, field: "id", message:
                    "\"\(id)\" is also held by the feed \(owner), not read this time; this file's case is kept",
                    severity: .warning))
            } else {
                problems.append(InputProblem(file: source, line: nil, field: "id",
                                             message: "\"\(id)\" is already used by \(owner)"))
            }
        }
        return SourceOwnership(frozen: frozen, problems: problems, clashingFeeds: clashingFeeds)
    }
}
