import Foundation

/// Reads every source that the configuration names into one set of cases.
public struct Registry: Sendable {
    public let folders: [RegistryFolder]

    public init(configuration: Configuration) {
        folders = configuration.registry.sources.compactMap { source in
            guard case .folder(let path) = source else { return nil }
            return RegistryFolder(displayPath: path, url: configuration.resolve(path))
        }
    }

    /// Loads all sources, off the cooperative pool; problems are collected, not thrown.
    public func load() async -> RegistryLoad {
        let folders = folders
        return await Blocking.run {
            var load = RegistryLoad()
            for folder in folders {
                load.merge(folder.load())
            }
            return load
        }
    }
}
