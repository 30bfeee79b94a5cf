import ArgumentParser
import Foundation
import CaseWatchApp
import CaseWatchModel

/// `casewatch preview`: the alert a subscriber would get, rendered and built but not sent.
struct PreviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Show the alert a subscriber would get for a case: the whole e-mail or webhook request."
    )

    @OptionGroup var options: GlobalOptions

    @Option(name: .customLong("case"), help: "The case's id.") var caseID: String
    @Option(name: .long, help: "The subscriber's id.") var subscriber: String
    @Option(name: .long, help: "The event type (default: case.status_changed).") var event: String = "case.status_changed"

    func validate() throws {
        if EventType(rawValue: event) == nil {
            throw ValidationError("--event \(event) is not one of \(EventType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() async throws {
        let configuration = try options.loadConfiguration()
        try await Output.guarding {
            let store = try await options.openStore(configuration)
            let lines = try await AlertPreview(configuration: configuration, environment: .current).render(
                caseID: caseID, subscriberID: subscriber, type: EventType(rawValue: event)!, store: store)
            for line in lines { Output.line(line) }
        }
    }
}
