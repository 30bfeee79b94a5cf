import ArgumentParser
import CaseWatchApp
import CaseWatchModel
import Foundation

/// `casewatch events`: the events detected so far.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "List the events detected so far, oldest first; or withdraw one before its alerts leave.",
        subcommands: [EventsListCommand.self, Withdraw.self],
        defaultSubcommand: EventsListCommand.self
    )

    struct Withdraw: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop an event's deliveries that have not left yet (kept, with the reason).")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "The event's id (evt_…).", completion: .eventIDs) var eventID: String
        @Option(name: .long, help: "Why, for the outbox and the log.") var reason = "withdrawn by the operator"

        func run() async throws {
            let configuration = try options.loadConfiguration()
            try await Output.guarding {
                let store = try await options.openStore(configuration)
                guard let count = try await DeliveryLevers(configuration: configuration, store: store)
                    .withdraw(eventID: eventID, reason: reason, now: Date())
                else {
                    Output.error("casewatch: no event \(eventID)")
                    throw ExitCode(65)
                }
                Output.line("\(eventID) withdrawn: \(count) delivery(ies) stopped before they left")
            }
        }
    }
}

struct EventsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the events, oldest first.")

    @OptionGroup var options: GlobalOptions

    @Flag(name: .long, help: "One JSON object per line.")
    var json = false

    @Option(name: .customLong("case"), help: "Only the events of this case.", completion: .caseIDs)
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
            let store = try await options.openStore(configuration)
            let events = try await store.events(caseID: caseID, since: since.flatMap(CalendarDate.init))
            for event in events {
                if json {
                    try Output.jsonLine(EventLine(event: event))
                } else {
                    Output.line(event.summaryLine + (event.withdrawal.map { " [withdrawn: \($0)]" } ?? ""))
                }
            }
        }
    }
}

/// An event as `events --json` prints it: the event, and whether it was withdrawn.
struct EventLine: Encodable {
    let event: CaseEvent

    func encode(to encoder: Encoder) throws {
        try event.encode(to: encoder)
        if let withdrawal = event.withdrawal {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(withdrawal, forKey: Key(stringValue: "withdrawn")!)
        }
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
