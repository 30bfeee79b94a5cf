import ArgumentParser
import CaseWatchApp
import CaseWatchModel
import Foundation

/// `casewatch silence`: mute deliveries for a while (Alertmanager's silences), kept in the store.
struct SilenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "silence",
        abstract: "Mute deliveries of a case, to a subscriber, or of an event type, for a while.",
        subcommands: [Add.self, List.self, Expire.self],
        defaultSubcommand: List.self
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a silence: what it matches is kept as silenced, with the reason, and not sent.")

        @OptionGroup var options: GlobalOptions
        @Option(name: .customLong("case"), help: "Silence this case's alerts.", completion: .caseIDs) var caseID: String?
        @Option(name: .long, help: "Silence alerts to this subscriber.", completion: .subscriberIDs) var subscriber: String?
        @Option(name: .long, help: "Silence alerts of this event type (case.updated, …).") var type: String?
        @Option(name: .customLong("for"), help: "How long: 30m, 2h, 7d.") var duration: String
        @Option(name: .long, help: "Why (shown with every delivery it holds back).") var reason: String

        var request: Result<SilenceRequest, SilenceRequest.Problem> {
            SilenceRequest.parse(caseID: caseID, subscriber: subscriber, type: type, duration: duration, reason: reason)
        }

        func validate() throws {
            if case .failure(let problem) = request { throw ValidationError(problem.description) }
        }

        func run() async throws {
            let configuration = try options.loadConfiguration()
            let request = try request.mapError { ValidationError($0.description) }.get()
            try await Output.guarding {
                let silence = try await request.add(to: try await options.openStore(configuration), now: Date())
                Output.line("silence \(silence.id): \(request.matcher.rawValue) \(request.value) "
                            + "until \(Timestamp.iso8601(silence.endsAt))")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every silence, newest first, and whether it is active.")
        @OptionGroup var options: GlobalOptions
        @Flag(name: .long, help: "One JSON object per line.") var json = false

        func run() async throws {
            let configuration = try options.loadConfiguration()
            try await Output.guarding {
                let now = Date()
                for silence in try await options.openStore(configuration).silences(activeAt: nil) {
                    if json {
                        try Output.jsonLine(silence)
                    } else {
                        Output.line("\(silence.id) \(silence.isActive(at: now) ? "active" : "expired") "
                            + "\(silence.matcher.rawValue) \(silence.value) until \(Timestamp.iso8601(silence.endsAt)): "
                            + silence.reason)
                    }
                }
            }
        }
    }

    struct Expire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End a silence now.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The silence's id.") var id: Int64

        func run() async throws {
            let configuration = try options.loadConfiguration()
            try await Output.guarding {
                if try await options.openStore(configuration).expireSilence(id: id, now: Date()) {
                    Output.line("silence \(id) expired")
                } else {
                    Output.error("casewatch: no active silence \(id)")
                    throw ExitCode(65)
                }
            }
        }
    }
}
