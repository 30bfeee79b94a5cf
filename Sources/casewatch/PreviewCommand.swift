import ArgumentParser
import CaseWatch
import Foundation

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
        let environment = ProcessEnvironment.current
        try await Output.guarding {
            let load = await Registry(configuration: configuration).load()
            guard let legalCase = load.cases[caseID] else {
                throw InputError([InputProblem(file: "--case", line: nil, field: nil,
                                               message: "no case \(caseID) in the registry")])
            }
            let inputs = try await PipelineInputs.load(configuration: configuration, environment: environment)
            guard let recipient = inputs.subscribers.first(where: { $0.id == subscriber }) else {
                throw InputError([InputProblem(file: configuration.subscribersPath, line: nil, field: nil,
                                               message: "no subscriber \(subscriber)")])
            }
            let store = try options.openStore(configuration)
            let planner = try await inputs.planner(store: store, environment: environment)
            let caseEvent = PreviewEvent.make(type: EventType(rawValue: event)!, legalCase: legalCase, now: Date())
            let route = Router.routes(for: caseEvent, subscribers: [recipient]).first
            Output.line("# \(caseEvent.summaryLine)")
            Output.line("# routing: " + (route.map { $0.reasons.joined(separator: "; ") }
                ?? "this subscriber's filter does not match; shown anyway"))
            let channels = Channel.allCases.filter { $0 == .email ? recipient.email != nil : recipient.webhook != nil }
            let drafts = try planner.drafts(
                for: caseEvent, route: Route(subscriber: recipient, channels: channels, reasons: []), generation: 0,
                now: Date())
            let settings = try configuration.deliverySettings(environment: environment)
            for draft in drafts {
                Output.line("")
                Output.line(Preview.render(draft, environment: settings.environment))
            }
        }
    }
}
