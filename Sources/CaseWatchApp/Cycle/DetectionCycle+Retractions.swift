import CaseWatchPipeline
import CaseWatchSources
import CaseWatchStore
import Foundation
import InputFormats

/// The catch between a source that lost its cases by accident (a truncated file, a half-synced folder, a feed that
/// answers `200 []`) and a `case.removed` to every reader: such a loss waits for the operator's word,
/// `casewatch sources accept-empty SOURCE`.
extension DetectionCycle {
    /// The setting under which an operator's acceptance of a source's retraction is kept until a cycle applies it.
    static func acceptanceKey(_ source: String) -> String { "accept-empty:" + source }

    /// The sources whose next retraction the operator has accepted.
    func acceptedRetractions() async throws -> Set<String> {
        let prefix = Self.acceptanceKey("")
        return Set(try await store.settings(withPrefix: prefix).keys.map { String($0.dropFirst(prefix.count)) })
    }

    /// A feed read anew that now lists no case, after it held some, failed rather than retracted everything: its
    /// cases stay as last seen (as an empty body's do), unless the operator accepted the retraction.
    func refuseEmptyFeeds(_ load: inout RegistryLoad, accepted: Set<String>) async throws {
        let registry = Registry(configuration: configuration)
        for (entry, source) in zip(configuration.registry.sources, registry.sources) where source.isRemote {
            guard case .feed(let url) = entry.kind, load.feedValidators[url] != nil,
                  !load.sourceOfCase.values.contains(url), !accepted.contains(entry.name)
            else { continue }
            let held = try await store.caseIDs(fromSources: [url]).count
            guard held > 0 else { continue }
            load.failFeed(url, reason: "sent an empty list, after holding \(held) case(s); its cases stay as last "
                + "seen. If the retraction is real: casewatch sources accept-empty \(entry.name)")
        }
    }

    /// Stops the cycle, before anything is recorded, when it would remove every case of a source that held some, or
    /// more than `registry.max_removals` of one source's cases, and the operator has not accepted it.
    ///
    /// - Returns: the sources whose accepted retraction this cycle applies (their acceptance is then spent).
    func checkRemovals(_ diff: RegistryDiff, recorded: Recorded, load: RegistryLoad, accepted: Set<String>) throws
        -> Set<String>
    {
        guard !diff.removals.isEmpty else { return [] }
        var names: [String: String] = [:]
        func name(of source: String) -> String {
            if let known = names[source] { return known }
            let found = Registry.sourceName(of: source, configuration: configuration) ?? source
            names[source] = found
            return found
        }
        var removed: [String: Int] = [:]
        for id in diff.removals {
            guard let source = recorded.sources[id] else { continue }
            removed[name(of: source), default: 0] += 1
        }
        // What each source still holds: the cases read from it now, and its recorded cases not removed.
        var held: Set<String> = []
        for source in load.sourceOfCase.values { held.insert(name(of: source)) }
        let removedIDs = Set(diff.removals)
        for (id, source) in recorded.sources where !removedIDs.contains(id) { held.insert(name(of: source)) }
        var problems: [InputProblem] = []
        var applied: Set<String> = []
        for (name, count) in removed.sorted(by: { $0.key < $1.key }) {
            let entry = configuration.registry.sources.first { $0.name == name }
            let remaining = held.contains(name)
            let limit = configuration.registry.maxRemovals
            guard count > limit || !remaining else { continue }
            if accepted.contains(name) {
                applied.insert(name)
                continue
            }
            let what = remaining ? "would remove \(count) case(s) at once, more than registry.max_removals (\(limit))"
                : "now holds no case, and would remove all \(count) it held"
            problems.append(InputProblem(
                file: name, line: nil, field: entry == nil ? nil : "registry.sources",
                message: "\(what); nothing recorded, nothing sent. If the retraction is real: "
                    + "casewatch sources accept-empty \(name)"))
        }
        try problems.throwIfErrors()
        return applied
    }

    /// Spends the acceptances a recorded cycle applied.
    func spendAcceptances(_ names: Set<String>) async throws {
        for name in names { try await store.setSetting(Self.acceptanceKey(name), nil) }
    }
}
