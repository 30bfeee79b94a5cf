import ArgumentParser
import Foundation
import CaseWatchApp
import CaseWatchModel

/// `casewatch preview`: the alert a subscriber would get, or their next digest, rendered and built but not sent.
struct PreviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Show the alert a subscriber would get for a case, or their next digest: the whole e-mail, "
            + "webhook request or chat message, without sending it.",
        discussion: """
            --digest shows the digest the subscriber would get at their next slot, from the events pending for it \
            now; when none is pending it says so and shows no message (an empty digest is never sent). Nothing is \
            sent and the store is not changed.
            """
    )

    @OptionGroup var options: GlobalOptions

    @Option(name: .customLong("case"), help: "The case's id.", completion: .caseIDs) var caseID: String?
    @Option(name: .long, help: "The subscriber's id.", completion: .subscriberIDs) var subscriber: String
    @Option(name: .long, help: "The event type (default: case.status_changed).",
            completion: .list(EventType.allCases.map(\.rawValue)))
    var event: String = "case.status_changed"
    @Option(name: .long, help: "Only this channel: email, webhook, matrix or telegram (default: every one the subscriber has).",
            completion: .subscriberChannels)
    var channel: String?
    @Flag(name: .long, help: "The subscriber's next digest, from the events pending now, instead of one alert.")
    var digest = false

    func validate() throws {
        if EventType(rawValue: event) == nil {
            throw ValidationError("--event \(event) is not one of \(EventType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let channel, !ChannelID.known.contains(ChannelID(rawValue: channel)) {
            throw ValidationError("--channel \(channel) is not one of \(ChannelID.known.map(\.rawValue).joined(separator: ", "))")
        }
        if digest, caseID != nil { throw ValidationError("--digest takes no --case: a digest holds every pending event") }
        if !digest, caseID == nil { throw ValidationError("give --case ID (one alert) or --digest (the next digest)") }
    }

    func run() async throws {
        let configuration = try options.loadConfiguration()
        try await Output.guarding {
            let store = try await options.openStore(configuration)
            let channel = channel.map(ChannelID.init(rawValue:))
            let lines: [String]
            if let caseID {
                lines = try await AlertPreview(configuration: configuration, environment: .current).render(
                    caseID: caseID, subscriberID: subscriber, type: EventType(rawValue: event)!, channel: channel,
                    store: store)
            } else {
                lines = try await DigestPreview(configuration: configuration, environment: .current).render(
                    subscriberID: subscriber, channel: channel, store: store)
            }
            for line in lines { Output.line(line) }
        }
    }
}
