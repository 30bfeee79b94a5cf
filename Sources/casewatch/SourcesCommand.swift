import ArgumentParser
import CaseWatchApp
import Foundation

/// `casewatch sources`: the registry's sources, and the operator's word that a source's retraction is real.
struct SourcesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sources",
        abstract: "List the registry's sources, or accept a source's retraction.",
        subcommands: [List.self, AcceptEmpty.self],
        defaultSubcommand: List.self
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every source: cases held, last reads, failures.")

        @OptionGroup var options: GlobalOptions
        @Flag(name: .long, help: "One JSON object per line.") var json = false

        func run() async throws {
            let configuration = try options.loadConfiguration()
            try await Output.guarding {
                let store = try await options.openStore(configuration)
                for source in try await SourcesReport(configuration: configuration, store: store).sources() {
                    if json {
                        try Output.jsonLine(source)
                        continue
                    }
                    var line = "\(source.id) (\(source.kind) \(source.location)): \(source.cases) case(s)"
                    if let entries = source.entries { line += ", \(entries) entries in its last good read" }
                    if let asOf = source.asOf { line += " (as of \(asOf))" }
                    if let fetched = source.lastGoodFetch { line += ", last good fetch \(fetched)" }
                    if let error = source.lastError { line += ", last failure: \(error)" }
                    if source.retractionAccepted { line += ", retraction accepted (applied by the next cycle)" }
                    Output.line(line)
                }
            }
        }
    }

    struct AcceptEmpty: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "accept-empty",
            abstract: "Confirm that a source's emptiness, or its loss of many cases at once, is a real retraction.")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "The source: its id, else its path or url as the configuration gives it.") var source: String

        func run() async throws {
            let configuration = try options.loadConfiguration()
            try await Output.guarding {
                let store = try await options.openStore(configuration)
                try await SourcesReport(configuration: configuration, store: store).acceptEmpty(source, now: Date())
                Output.line("accepted: the next cycle applies the retraction of \(source)")
            }
        }
    }
}
