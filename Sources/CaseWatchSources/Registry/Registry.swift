import Foundation
import CaseWatchModel

/// Reads every source that the configuration names into one set of cases.
///
/// Folders are operators' own files: a problem in them is bad input (exit 65). Feeds are someone
/// else's: a feed that fails, times out or sends garbage is reported, and its cases stay as last seen.
package struct Registry: Sendable {
    package let sources: [any RegistrySource]

    /// - Parameter gazetteer: the authorities the cases may name by id.
    package init(configuration: Configuration, gazetteer: Gazetteer = .empty) {
        sources = Self.makeSources(configuration.registry.sources, configuration: configuration,
                                   authorityIDs: gazetteer.ids)
    }

    /// The sources the configuration names, in its order. A new kind of source is one more case here.
    static func makeSources(_ entries: [Configuration.Registry.Source], configuration: Configuration,
                            authorityIDs: Set<String>) -> [any RegistrySource]
    {
        let json = JSONRecords(authorityIDs: authorityIDs), yaml = YAMLRecords(authorityIDs: authorityIDs)
        let csv = CSVRecords(authorityIDs: authorityIDs)
        return entries.map { entry -> any RegistrySource in
            switch entry.kind {
            case .folder(let path): RegistryFolder(displayPath: path, url: configuration.resolve(path), formats: [yaml, json])
            case .feed(let url):
                RegistryFeed(url: url, formats: [json, csv], network: configuration.network.guardrail,
                             caFile: entry.caFile.map { configuration.resolve($0).path })
            case .list(let list):
                RegistryImport(name: entry.name, list: list, file: {
                    if case .path(let path) = list.location { return configuration.resolve(path) } else { return nil }
                }(), network: configuration.network.guardrail, caFile: entry.caFile.map { configuration.resolve($0).path })
            }
        }
    }

    /// Whether every source is a folder of the operator's own files (no feed, no official list).
    package var readsOnlyFolders: Bool {
        sources.allSatisfy { $0 is RegistryFolder }
    }

    /// Loads every source on the calling thread, handing each case read to `spill` rather than keeping it (see
    /// ``RegistryLoad/spill``): what a first sync recorded as it is read uses.
    package func load(spillingTo spill: CaseSpill) -> RegistryLoad {
        var load = RegistryLoad()
        load.spill = spill
        for source in sources {
            source.read(into: &load, memory: SourceMemory(validators: [:], signatures: [:]))
        }
        load.spill = nil
        load.mergeClaims()
        return load
    }

    /// The configured source that a recorded source (a case file's path, a feed's address) belongs to, by name.
    package static func sourceName(of recordedSource: String, configuration: Configuration) -> String? {
        let entries = configuration.registry.sources
        let sources = makeSources(entries, configuration: configuration, authorityIDs: [])
        return zip(entries, sources).first { $0.1.owns(recordedSource) }?.0.name
    }

    /// Whether a recorded source (a case file's path, a feed's address) belongs to a source that is someone
    /// else's, the configuration says.
    package func isRemote(_ recordedSource: String) -> Bool {
        sources.contains { $0.isRemote && $0.owns(recordedSource) }
    }

    /// Loads all sources, off the cooperative pool; problems are collected, not thrown. Local sources are read
    /// first, so that a remote one that clashes with them fails, not they.
    ///
    /// - Parameters:
    ///   - validators: each feed's ETag / Last-Modified from its last good fetch.
    ///   - signatures: each case file's stat signature from the last recorded run; a file that still has
    ///     it is not read again (none given, as for `check`: every file is read).
    package func load(validators: [String: FetchValidators] = [:], signatures: [String: String] = [:]) async
        -> RegistryLoad
    {
        let ordered = sources.filter { !$0.isRemote } + sources.filter(\.isRemote)
        let memory = SourceMemory(validators: validators, signatures: signatures)
        return await Blocking.run {
            var load = RegistryLoad()
            for source in ordered {
                source.read(into: &load, memory: memory)
            }
            load.mergeClaims()
            return load
        }
    }
}
