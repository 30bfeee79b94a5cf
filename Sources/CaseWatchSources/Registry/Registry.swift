import Foundation
import CaseWatchModel

/// Reads every source that the configuration names into one set of cases.
///
/// Folders are operators' own files: a problem in them is bad input (exit 65). Feeds are someone
/// else's: a feed that fails, times out or sends garbage is reported, and its cases stay as last seen.
package struct Registry: Sendable {
    package let folders: [RegistryFolder]
    package let feeds: [RegistryFeed]

    package init(configuration: Configuration) {
        folders = configuration.registry.sources.compactMap { source in
            guard case .folder(let path) = source else { return nil }
            return RegistryFolder(displayPath: path, url: configuration.resolve(path))
        }
        feeds = configuration.registry.sources.compactMap { source in
            guard case .feed(let url) = source else { return nil }
            return RegistryFeed(url: url)
        }
    }

    /// Whether a source name is one of the configured feeds (the others are case files of the folders).
    package func isFeed(_ source: String) -> Bool {
        feeds.contains { $0.url == source }
    }

    /// Loads all sources, off the cooperative pool; problems are collected, not thrown.
    ///
    /// - Parameters:
    ///   - validators: each feed's ETag / Last-Modified from its last good fetch.
    ///   - signatures: each case file's stat signature from the last recorded run; a file that still has
    ///     it is not read again (none given, as for `check`: every file is read).
    package func load(validators: [String: RegistryFeed.Validators] = [:], signatures: [String: String] = [:]) async
        -> RegistryLoad
    {
        let folders = folders
        let feeds = feeds
        return await Blocking.run {
            var load = RegistryLoad()
            for folder in folders {
                folder.load(into: &load, signatures: signatures)
            }
            for feed in feeds {
                switch feed.fetch(previous: validators[feed.url]) {
                case .unchanged:
                    load.frozenSources.insert(feed.url)
                case .failed(let reason):
                    load.frozenSources.insert(feed.url)
                    load.feedFailures[feed.url] = reason
                case .fresh(let feedLoad, let fresh):
                    // Someone else's feed must not be able to stop the dispatcher: an id that another
                    // source already uses fails this feed, not the run.
                    let clashes = feedLoad.cases.keys.filter { load.cases[$0] != nil }.sorted()
                    if let first = clashes.first {
                        load.frozenSources.insert(feed.url)
                        load.feedFailures[feed.url] = "\(clashes.count) case id(s) already used by another source, "
                            + "such as \"\(first)\""
                    } else {
                        load.merge(feedLoad)
                        load.feedValidators[feed.url] = fresh
                    }
                }
            }
            return load
        }
    }
}
