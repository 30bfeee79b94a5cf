import ArgumentParser
import CaseWatch
import Foundation

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
            let store = try options.openStore(configuration)
            try print(try await store.outboxEntries(states: states), json: json)
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
        @Option(name: .long, help: "Only entries in this state (pending, sending, delivered, retrying, dead).")
        var state: String?

        func validate() throws {
            if let state, OutboxState(rawValue: state) == nil {
                throw ValidationError("--state \(state) is not one of pending, sending, delivered, retrying, dead")
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
                let store = try options.openStore(configuration)
                guard let entry = try await store.requeue(outboxID: id) else {
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
        @Argument(help: "The event's id (evt_…).") var eventID: String
        @Flag(name: .long, help: "One JSON object per line.") var json = false

        func run() async throws {
            let configuration = try options.loadConfiguration()
            let environment = ProcessEnvironment.current
            try await Output.guarding {
                let store = try options.openStore(configuration)
                guard let event = try await store.event(id: eventID) else {
                    Output.error("casewatch: no event \(eventID)")
                    throw ExitCode.failure
                }
                let inputs = try await PipelineInputs.load(configuration: configuration, environment: environment)
                let planner = try await inputs.planner(store: store, environment: environment)
                let generation = try await store.nextGeneration(eventID: eventID)
                let suppressions = try await store.suppressions()
                let now = Date()
                // Streamed into one transaction, as a cycle enqueues: a large audience is never held whole.
                let count = try await store.enqueue(now: now) { enqueue in
                    try planner.drafts(for: [event], suppressions: suppressions, generation: generation, now: now,
                                       chunkSize: 1000, enqueue)
                }
                if json {
                    try OutboxCommand.print(try await store.outboxEntries(eventID: eventID, generation: generation),
                                            json: true)
                } else {
                    Output.line("\(count) delivery(ies) of \(eventID) queued (replay \(generation))")
                }
            }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enable again a subscriber's webhook that was disabled by a 410 Gone.")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "The subscriber's id.") var subscriberID: String

        func run() async throws {
            let configuration = try options.loadConfiguration()
            try await Output.guarding {
                let store = try options.openStore(configuration)
                if try await store.unsuppress(subscriberID: subscriberID, channel: .webhook) {
                    Output.line("webhook of \(subscriberID) enabled")
                } else {
                    Output.line("webhook of \(subscriberID) was not disabled")
                }
            }
        }
    }
}
