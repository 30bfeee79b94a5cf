import ArgumentParser
import Foundation
import Logging
import CaseWatchApp
import CaseWatchStore
import CaseWatchSources

/// Options every subcommand takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The configuration file.", completion: .file(extensions: ["yml", "yaml"]))
    var config: String = "./casewatch.yml"

    @Flag(name: .long, help: "Log debug details.")
    var verbose = false

    enum LogFormat: String, ExpressibleByArgument, CaseIterable {
        case human, json
    }

    @Option(name: .long, help: "Log lines for people (human) or for log collectors (json, one object per line).")
    var logFormat: LogFormat = .human

    /// Loads the configuration, or prints its problems and exits 65.
    func loadConfiguration() throws -> Configuration {
        do {
            let configuration = try Configuration.load(path: config)
            for warning in configuration.warnings { Output.error("\(warning)") }
            return configuration
        } catch {
            throw Output.inputFailure(error)
        }
    }

    /// The logger; `level` is the least severe level shown unless `--verbose` asks for debug.
    func makeLogger(level: Logger.Level = .notice) -> Logger {
        let format = logFormat
        var logger = Logger(label: "casewatch") { label -> any LogHandler in
            switch format {
            case .human: StreamLogHandler.standardError(label: label)
            case .json: JSONLogHandler(label: label)
            }
        }
        logger.logLevel = verbose ? .debug : level
        return logger
    }

    func openStore(_ configuration: Configuration) async throws -> any StateStore {
        try await configuration.openStore(environment: .current)
    }
}
