import ArgumentParser
import Foundation

/// `casewatch backup FILE`: a consistent copy of the store, made while CaseWatch runs.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the whole store to FILE while CaseWatch runs (SQLite's online backup).")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "A new file (readable by its owner only once written).") var file: String

    func run() async throws {
        let configuration = try options.loadConfiguration()
        try await Output.guarding {
            let store = try await options.openStore(configuration)
            try await store.backup(to: file)
            Output.line("store copied to \(file)")
        }
    }
}
