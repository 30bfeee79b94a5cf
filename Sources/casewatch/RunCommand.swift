import ArgumentParser
import CaseWatch
import Foundation

/// `casewatch run --once`: one full cycle, for cron.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run one cycle: read the registry, detect changes, record and deliver them, then exit."
    )

    @OptionGroup var options: GlobalOptions

    @Flag(name: .long, help: "Run one cycle and exit (the cron entry point).")
    var once = false

    @Flag(name: .long, help: "Print the events the cycle would make; record and send nothing.")
    var dryRun = false

    func validate() throws {
        guard once else {
            throw ValidationError("run needs --once (for a daemon, use casewatch serve)")
        }
    }

    func run() async throws {
        let configuration = try options.loadConfiguration()
        let logger = options.makeLogger()
        try await Output.guarding {
            let lock = dryRun ? nil : try RunLock(statePath: configuration.resolve(configuration.statePath).path)
            let store = try options.openStore(configuration)
            let cycle = DetectionCycle(configuration: configuration, store: store, logger: logger)
            let report = try await cycle.run(now: Date(), dryRun: dryRun)
            for warning in report.warnings { Output.error("\(warning)") }
            if dryRun {
                for event in report.events { Output.line(event.summaryLine) }
                Output.line("dry run: \(report.events.count) event(s) would be recorded; nothing recorded or sent")
            } else {
                Output.line("\(report.registrySize) case(s) read, \(report.events.count) new event(s) recorded")
            }
            withExtendedLifetime(lock) {}
        }
    }
}
