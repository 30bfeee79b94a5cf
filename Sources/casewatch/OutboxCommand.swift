import ArgumentParser
import Foundation
import CaseWatchApp
import CaseWatchModel

/// `casewatch outbox`: deliveries and their attempts, and the operator's levers on them.
struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "Inspect and steer deliveries.",
        subcommands: [List.self, Retry.self, Replay.self, Dead.self, Enable.self],
        defaultSubcommand: List.self
    )

    /// Lists the entries in `states` (all when nil).
    static func list(_ options: GlobalOptions, states: [OutboxState]?, json: Bool) async throws {
        let configuration = try options.loadConfiguration()
        try await Output.guarding {
            let store = try await options.openStore(configuration)
            try print(try await store.outboxEntries(states: states, limit: 1000), json: json)
        }
    }

    static func print(_ entries: [OutboxEntry], json: Bool) throws {
        for entry in entries {
            if json {
                try Output.jsonLine(entry)
            } else {
                var line = "\(entry.id) \(entry.state.rawValue) \(entry.channel.rawValue) \(entry.subscriberID) "
                    + "\(entry.eventID) attempts=\(entry.attempts)"
                if let error = entry.lastError { line += " last error: \(error)" }
                Output.line(line)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List deliveries, newest first.")

        @OptionGroup var options: GlobalOptions
        @Flag(name: .long, help: "One JSON object per line.") var json = false
        @Option(name: .long, help: "Only entries in this state (pending, delivered, retrying, dead, withdrawn, silenced).")
        var state: String?

        func validate() throws {
            if let state, OutboxState(rawValue: state) == nil {
                throw ValidationError("--state \(state) is not one of \(OutboxState.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }

        func run() async throws {
            try await OutboxCommand.list(options, states: state.flatMap(OutboxState.init).map { [$0] }, json: json)
        }
    }

    struct Dead: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List dead letters.")

        @OptionGroup var options: GlobalOptions
        @Flag(name: .long, help: "One JSON object per line.") var json = false

        func run() async throws {
            try await OutboxCommand.list(options, states: [.dead], json: json)
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Queue one delivery again now, with a fresh retry schedule (sent by the next run).")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "The outbox entry's id.") var id: Int64
        @Flag(name: .long, help: "One JSON object.") var json = false

        func run() async throws {
            let configuration = try options.loadConfiguration()
            try await Output.guarding {
                let store = try await options.openStore(configuration)
                let levers = DeliveryLevers(configuration: configuration, store: store)
                guard let entry = try await levers.retry(outboxID: id, now: Date()) else {
                    Output.error("casewatch: no outbox entry \(id)")
                    throw ExitCode.failure
                }
                if json { try Output.jsonLine(entry) } else { Output.line("entry \(id) queued again") }
            }
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send an event again to everyone it routes to now, with new message ids (sent by the next run).")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "The event's id (evt_…).", completion: .eventIDs) var eventID: String
        @Flag(name: .long, help: "One JSON object per line.") var json = false

        func run() async throws {
            let configuration = try options.loadConfiguration()
            try await Output.guarding {
                let store = try await options.openStore(configuration)
                let replay = EventReplay(configuration: configuration, environment: .current, store: store)
                guard let result = try await replay.run(eventID: eventID) else {
                    Output.error("casewatch: no event \(eventID)")
                    throw ExitCode.failure
                }
                if json {
                    try OutboxCommand.print(
                        try await store.outboxEntries(eventID: eventID, generation: result.generation), json: true)
                } else {
                    Output.line("\(result.queued) delivery(ies) of \(eventID) queued (replay \(result.generation))")
                }
            }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enable again a subscriber's webhook that was disabled by a 410 Gone.")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "The subscriber's id.", completion: .subscriberIDs) var subscriberID: String

        func run() async throws {
            let configuration = try options.loadConfiguration()
            try await Output.guarding {
                let store = try await options.openStore(configuration)
                guard SubscriberOptOuts.subscriber(subscriberID, configuration: configuration) != nil else {
                    Output.error("casewatch: no subscriber \(subscriberID) in \(configuration.subscribersPath)")
                    throw ExitCode(65)
                }
                let enabled = try await DeliveryLevers(configuration: configuration, store: store)
                    .enable(subscriberID: subscriberID)
                if enabled.isEmpty {
                    Output.line("no endpoint of \(subscriberID) was disabled")
                } else {
                    Output.line(enabled.map { "\($0.rawValue) endpoint of \(subscriberID) enabled" }.joined(separator: "\n"))
                }
            }
        }
    }
}
