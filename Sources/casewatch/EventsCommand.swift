import ArgumentParser
import CaseWatchModel

/// `casewatch events`: the events detected so far.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "List the events detected so far, oldest first."
    )

    @OptionGroup var options: GlobalOptions

    @Flag(name: .long, help: "One JSON object per line.")
    var json = false

    @Option(name: .customLong("case"), help: "Only the events of this case.")
    var caseID: String?

    @Option(name: .long, help: "Only events detected on or after this day (YYYY-MM-DD).")
    var since: String?

    func validate() throws {
        if let since, CalendarDate(since) == nil {
            throw ValidationError("--since \(since) is not a date (YYYY-MM-DD)")
        }
    }

    func run() async throws {
        let configuration = try options.loadConfiguration()
        try await Output.guarding {
            let store = try options.openStore(configuration)
            let events = try await store.events(caseID: caseID, since: since.flatMap(CalendarDate.init))
            for event in events {
                if json { try Output.jsonLine(event) } else { Output.line(event.summaryLine) }
            }
        }
    }
}
