import CaseWatchModel
import CaseWatchSQLite
import CaseWatchSources
import CaseWatchStore
import Dispatch
import Foundation

/// What the shell completes from the configuration in effect: case, subscriber and event ids, and a subscriber's
/// channels. Called back by the completion scripts at every Tab, so it is quick and never fails loudly: whatever
/// cannot be read (no configuration, no store yet, a PostgreSQL store) gives no candidates rather than an error.
package struct CompletionCandidates: Sendable {
    /// The words typed so far, as the shell gives them (quotes and escapes included).
    package let words: [String]

    package init(words: [String]) {
        self.words = words
    }

    /// The configuration `--config PATH` (or `--config=PATH`) in the words names, else `./casewatch.yml`.
    var configuration: Configuration? {
        var path = "./casewatch.yml"
        for (index, word) in words.enumerated() {
            if word == "--config", index + 1 < words.count {
                path = Self.unquoted(words[index + 1])
            } else if word.hasPrefix("--config=") {
                path = Self.unquoted(String(word.dropFirst("--config=".count)))
            }
        }
        if path.hasPrefix("~/") { path = NSHomeDirectory() + path.dropFirst() }
        return try? Configuration.load(path: path)
    }

    /// The subscribers' ids, sorted.
    package func subscriberIDs() -> [String] {
        guard let configuration else { return [] }
        return SubscriberDirectory(configuration: configuration).load(environment: nil).subscribers.map(\.id).sorted()
    }

    /// The channels of the subscriber `--subscriber` names in the words, or every channel when none is named.
    package func channels() -> [String] {
        guard let index = words.firstIndex(of: "--subscriber"), index + 1 < words.count, let configuration else {
            return ChannelID.known.map(\.rawValue)
        }
        let id = Self.unquoted(words[index + 1])
        let subscriber = SubscriberDirectory(configuration: configuration).load(environment: nil).subscribers
            .first { $0.id == id }
        return (subscriber?.channels ?? ChannelID.known).map(\.rawValue)
    }

    /// The ids of the cases in the registry's folders and of those the store has seen (imports and feeds), sorted.
    package func caseIDs() -> [String] {
        guard let configuration else { return [] }
        var ids = Set<String>()
        for source in configuration.registry.sources {
            guard case .folder(let path) = source.kind else { continue }
            let folder = configuration.resolve(path)
            let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
            while let url = walker?.nextObject() as? URL {
                guard ["yaml", "yml"].contains(url.pathExtension),
                      let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
                for line in text.split(separator: "\n", maxSplits: 40) where line.hasPrefix("id:") {
                    ids.insert(Self.unquoted(line.dropFirst(3).trimmingCharacters(in: .whitespaces)))
                }
            }
        }
        let seen = Self.reading(configuration) { store in try await store.seenSnapshots().digests.keys.sorted() }
        ids.formUnion(seen ?? [])
        return ids.sorted()
    }

    /// The ids of the most recent events in the store, newest first.
    package func eventIDs(limit: Int = 500) -> [String] {
        guard let configuration else { return [] }
        return Self.reading(configuration) { store in try await store.recentEvents(limit: limit).map(\.id) } ?? []
    }

    /// `body` on the configuration's SQLite store when the file exists (never created, nor a server dialled, for a
    /// Tab); nil when there is none or it cannot be read.
    static func reading<T: Sendable>(_ configuration: Configuration,
                                     _ body: @escaping @Sendable (SQLiteStateStore) async throws -> T) -> T?
    {
        guard !configuration.usesPostgres else { return nil }
        let path = configuration.resolve(configuration.statePath).path
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > 0 else {
            return nil
        }
        let result = Outcome<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            result.value = try? await body(SQLiteStateStore(path: path, readOnly: true))
            done.signal()
        }
        // Bounded: a store locked by a long write gives no candidates rather than a shell that hangs.
        return done.wait(timeout: .now() + 5) == .success ? result.value : nil
    }

    /// A word without the quotes or backslashes the shell left in it.
    static func unquoted(_ word: some StringProtocol) -> String {
        String(word.filter { $0 != "\"" && $0 != "'" && $0 != "\\" })
    }
}

/// The value a completion's store read hands back across the task it ran in.
private final class Outcome<T>: @unchecked Sendable {  // written once before `done` is signalled, read after
    var value: T?
}
