import CaseWatchModel
import CaseWatchSources
import CaseWatchStore
import Foundation
import InputFormats

/// `casewatch sources`: every registry source the configuration names, what the store holds of it, how its last
/// reads went, and whether a retraction of it waits for the operator's word (`sources accept-empty`).
package struct SourcesReport: Sendable {
    package struct Source: Sendable, Codable, Equatable {
        package var id: String
        package var kind: String
        package var location: String
        /// Cases recorded from it.
        package var cases: Int
        package var lastGoodFetch: String?
        package var lastError: String?
        /// The operator accepted its next retraction, which no cycle has applied yet.
        package var retractionAccepted: Bool
        /// An official list: the date its last good read said it was current as of, and how many entries it held.
        package var asOf: String?
        package var entries: Int?

        enum CodingKeys: String, CodingKey {
            case id, kind, location, cases
            case asOf = "as_of"
            case entries
            case lastGoodFetch = "last_good_fetch"
            case lastError = "last_error"
            case retractionAccepted = "retraction_accepted"
        }
    }

    package let configuration: Configuration
    package let store: any RegistryState & DeliveryLog & SettingStore

    package init(configuration: Configuration, store: any RegistryState & DeliveryLog & SettingStore) {
        self.configuration = configuration
        self.store = store
    }

    package func sources() async throws -> [Source] {
        let recorded = try await store.seenSnapshots().sources
        let feeds = try await store.status().feeds
        let accepted = try await store.settings(withPrefix: DetectionCycle.acceptanceKey(""))
        let lists = try await store.settings(withPrefix: DetectionCycle.listKey(""))
        let registry = Registry(configuration: configuration)
        return zip(configuration.registry.sources, registry.sources).map { entry, source in
            let cases = recorded.values.filter { source.owns($0) }.count
            var summary = Source(id: entry.name, kind: "folder", location: "", cases: cases, lastGoodFetch: nil,
                                 lastError: nil, retractionAccepted: accepted[DetectionCycle.acceptanceKey(entry.name)] != nil)
            switch entry.kind {
            case .folder(let path):
                summary.location = path
            case .feed(let url):
                summary.kind = "feed"
                summary.location = url
                let feed = feeds.first { $0.url == url }
                summary.lastGoodFetch = feed?.lastGoodFetch
                summary.lastError = feed?.lastError
            case .list(let list):
                summary.kind = "import:" + list.list.name
                summary.location = list.location.text
                let feed = feeds.first { $0.url == entry.name }
                summary.lastGoodFetch = feed?.lastGoodFetch
                summary.lastError = feed?.lastError
                let read = lists[DetectionCycle.listKey(entry.name)]?.split(separator: " ")
                summary.entries = read?.first.flatMap { Int($0) }
                summary.asOf = read.flatMap { $0.count > 1 ? String($0[1]) : nil }
            }
            return summary
        }
    }

    /// Records the operator's word that `name`'s next retraction (it went empty, or lost more than
    /// `registry.max_removals` cases) is real. Throws ``InputError`` for a name the configuration does not have.
    package func acceptEmpty(_ name: String, now: Date) async throws {
        let names = configuration.registry.sources.map(\.name)
        guard names.contains(name) else {
            throw InputError([InputProblem(file: configuration.file, line: nil, field: "registry.sources",
                                           message: "no source is named \"\(name)\" (sources: \(names.joined(separator: ", ")))")])
        }
        try await store.setSetting(DetectionCycle.acceptanceKey(name), Timestamp.iso8601(now))
    }
}
