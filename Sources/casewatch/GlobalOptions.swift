import ArgumentParser
import CaseWatch
import Foundation
import Logging

/// Options every subcommand takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The configuration file.")
    var config: String = "./casewatch.yml"

    @Flag(name: .long, help: "Log debug details.")
    var verbose = false

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

    func makeLogger() -> Logger {
        var logger = Logger(label: "casewatch") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = verbose ? .debug : .notice
        return logger
    }

    func openStore(_ configuration: Configuration) throws -> StateStore {
        try StateStore(path: configuration.resolve(configuration.statePath).path)
    }
}
