import ArgumentParser
import CaseWatchApp
import CaseWatchModel
import Foundation

/// `casewatch subscribers`: who gets what, their opt-outs and bounces, and the operator's levers on them.
struct SubscribersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subscribers",
        abstract: "Who gets what: channels, filters, opt-outs, bounces; unsubscribe, resubscribe, reset or erase one.",
        subcommands: [List.self, Show.self, Unsubscribe.self, Resubscribe.self, Reset.self, Erase.self],
        defaultSubcommand: List.self
    )

    /// Runs `body` with the roster of the configured store, mapping errors to exit codes.
    static func withRoster(_ options: GlobalOptions, _ body: (SubscriberRoster) async throws -> Void) async throws {
        let configuration = try options.loadConfiguration()
        try await Output.guarding {
            try await body(SubscriberRoster(configuration: configuration, store: try await options.openStore(configuration)))
        }
    }

    static func print(_ view: SubscriberRoster.View, json: Bool, detailed: Bool) throws {
        if json {
            try Output.jsonLine(view)
            return
        }
        var line = "\(view.id) (\(view.name), \(view.language.rawValue), \(view.delivery)"
        if let digest = view.digest { line += " \"\(digest)\" \(view.timezone)" }
        line += "): " + view.endpoints.map { "\($0.channel.rawValue) \($0.address) \($0.state)" }.joined(separator: "; ")
        Output.line(line)
        guard detailed else { return }
        Output.line("  file: \(view.file)")
        Output.line("  filter: " + (view.filter.isEmpty ? "everything"
            : view.filter.sorted { $0.key < $1.key }.map { "\($0.key) [\($0.value.joined(separator: ", "))]" }
                .joined(separator: ", ")))
        for endpoint in view.endpoints where endpoint.state != "active" {
            var text = "  \(endpoint.channel.rawValue) \(endpoint.state)"
            if let since = endpoint.since { text += " since \(since)" }
            if let reason = endpoint.reason { text += ": \(reason)" }
            if let detail = endpoint.detail, detail != endpoint.reason { text += " (\(detail))" }
            Output.line(text)
        }
        for (choice, value) in view.preferences.sorted(by: { $0.key < $1.key }) {
            Output.line("  chosen on the preference page: \(choice) = \(value)")
        }
    }

    /// The public key of a webhook's signing key, for the receiver to verify `v1a` signatures with; the private key
    /// is never shown.
    static func signingKeyLine(variable: String, environment: ProcessEnvironment) -> String {
        guard let value = environment[variable], !value.isEmpty else {
            return "webhook signing key: $\(variable) is not set (no v1a signature is possible)"
        }
        guard let key = WebhookSigningKey(value) else {
            return "webhook signing key: $\(variable) \(WebhookSigningKey.problems(in: value).joined(separator: "; "))"
        }
        return "webhook signing key: \(key.publicKeyText) (public; receivers verify v1a signatures with it)"
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every subscriber and the state of each endpoint.")
        @OptionGroup var options: GlobalOptions
        @Flag(name: .long, help: "One JSON object per line.") var json = false

        func run() async throws {
            try await SubscribersCommand.withRoster(options) { roster in
                for view in try await roster.views() { try SubscribersCommand.print(view, json: json, detailed: false) }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One subscriber: filter, endpoints, opt-outs and bounces with their reasons and dates.")
        @OptionGroup var options: GlobalOptions
        @Flag(name: .long, help: "One JSON object.") var json = false
        @Argument(help: "The subscriber's id.", completion: .subscriberIDs) var subscriberID: String

        func run() async throws {
            try await SubscribersCommand.withRoster(options) { roster in
                let view = try await roster.view(subscriberID), keyEnv = try roster.subscriber(subscriberID).webhook?.signingKeyEnv
                // The webhook's public key (whpk_…) in the JSON too, as `webhook_signing_key`; never the private key.
                let publicKey = keyEnv.flatMap { ProcessEnvironment.current[$0] }.flatMap(WebhookSigningKey.init)?.publicKeyText
                if json { return try Output.jsonLine(ShownSubscriber(view: view, webhookSigningKey: publicKey)) }
                try SubscribersCommand.print(view, json: false, detailed: true)
                if let name = keyEnv {
                    Output.line("  " + SubscribersCommand.signingKeyLine(variable: name, environment: .current))
                }
            }
        }
    }

    /// `subscribers show --json`: the subscriber's view, and its webhook's public signing key when there is one.
    struct ShownSubscriber: Encodable {
        let view: SubscriberRoster.View
        let webhookSigningKey: String?
        private enum Key: String, CodingKey { case webhookSigningKey = "webhook_signing_key" }

        func encode(to encoder: any Encoder) throws {
            try view.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encodeIfPresent(webhookSigningKey, forKey: .webhookSigningKey)
        }
    }

    struct Unsubscribe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop sending to every address of a subscriber.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The subscriber's id.", completion: .subscriberIDs) var subscriberID: String

        func run() async throws {
            try await SubscribersCommand.withRoster(options) { roster in
                let subscriber = try roster.subscriber(subscriberID)
                let done = try await SubscriberOptOuts(store: roster.store).unsubscribe(
                    subscriber, channels: subscriber.channels, reason: "unsubscribed by the operator", now: Date())
                Output.line(done.isEmpty ? "\(subscriberID) was unsubscribed already"
                            : "\(subscriberID) unsubscribed: \(done.map(\.rawValue).joined(separator: ", "))")
            }
        }
    }

    struct Resubscribe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send to a subscriber's addresses again: lifts unsubscribes and bounces.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The subscriber's id.", completion: .subscriberIDs) var subscriberID: String

        func run() async throws {
            try await SubscribersCommand.withRoster(options) { roster in
                let lifted = try await DeliveryLevers(configuration: roster.configuration, store: roster.store)
                    .resubscribe(subscriberID: subscriberID)
                Output.line(lifted.isEmpty ? "\(subscriberID) was not unsubscribed"
                            : "\(subscriberID) resubscribed: \(lifted.map(\.rawValue).joined(separator: ", "))")
            }
        }
    }

    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Drop the choices a subscriber made on the preference page (the file's settings apply again).")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The subscriber's id.", completion: .subscriberIDs) var subscriberID: String

        func run() async throws {
            try await SubscribersCommand.withRoster(options) { roster in
                let count = try await roster.reset(subscriberID)
                Output.line("\(subscriberID): \(count) choice(s) dropped")
            }
        }
    }

    struct Erase: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a person's address, name and messages from the store (their address stays unsubscribed).")
        @OptionGroup var options: GlobalOptions
        @Flag(name: .long, help: "One JSON object.") var json = false
        @Argument(help: "The subscriber's id.", completion: .subscriberIDs) var subscriberID: String

        func run() async throws {
            try await SubscribersCommand.withRoster(options) { roster in
                let report = try await roster.erase(subscriberID, now: Date())
                if json {
                    try Output.jsonLine(report)
                    return
                }
                Output.line("\(subscriberID) erased from the store: \(report.outboxEntries) message(s), "
                            + "\(report.attempts) attempt(s), \(report.optOuts) opt-out(s); their addresses stay "
                            + "unsubscribed as salted hashes")
                Output.line("not reached by erase: the subscriber's file in \(roster.configuration.subscribersPath) "
                            + "(delete it), copies in backups, and the logs of the mail relay and of receivers")
            }
        }
    }
}
