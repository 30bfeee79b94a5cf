import ArgumentParser
import Foundation
import CaseWatchApp
import CaseWatchModel

/// `casewatch send-test`: a real message marked as a test to a subscriber, to check their channels end to end.
struct SendTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send-test",
        abstract: "Send a real message marked as a test to a subscriber, through the configured transports.",
        discussion: """
            E-mail gets a "[test]" subject and a text saying it is a test; webhooks get the event type casewatch.test \
            with "test": true, signed as alerts are; Matrix and Telegram the same text. Nothing is recorded: no \
            event, no outbox entry. An erased address is refused; an unsubscribed, bounced or disabled one is \
            refused unless --force. Prints one line per channel; exit 1 when any channel was refused or failed.
            """
    )

    @OptionGroup var options: GlobalOptions

    @Option(name: .long, help: "The subscriber's id.", completion: .subscriberIDs) var subscriber: String
    @Option(name: .long, help: "Only this channel: email, webhook, matrix or telegram (default: every one the subscriber has).",
            completion: .subscriberChannels)
    var channel: String?
    @Flag(name: .long, help: "Send also to an address that unsubscribed, bounced or was disabled.")
    var force = false

    func validate() throws {
        if let channel, !ChannelID.known.contains(ChannelID(rawValue: channel)) {
            throw ValidationError("--channel \(channel) is not one of \(ChannelID.known.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() async throws {
        let configuration = try options.loadConfiguration()
        try await Output.guarding {
            let store = try await options.openStore(configuration)
            let reports = try await TestSend(configuration: configuration, environment: .current).send(
                subscriberID: subscriber, channel: channel.map(ChannelID.init(rawValue:)), force: force, store: store)
            for report in reports { Output.line(report.line) }
            if !reports.allSatisfy(\.succeeded) { throw ExitCode.failure }
        }
    }
}
