import CaseWatchModel
import CaseWatchPipeline
import CaseWatchSources
import CaseWatchStore
import Foundation
import InputFormats

/// `preview`: what a subscriber would get for a case, composed by each of their channels but not sent.
package struct AlertPreview: Sendable {
    package let configuration: Configuration
    package let environment: ProcessEnvironment

    package init(configuration: Configuration, environment: ProcessEnvironment) {
        self.configuration = configuration
        self.environment = environment
    }

    /// Comment lines (the event, why the subscriber matches), then each channel's entry as a person reads it.
    ///
    /// - Throws: ``InputError`` when the case or the subscriber does not exist or an input is bad.
    package func render(caseID: String, subscriberID: String, type: EventType, channel: ChannelID? = nil,
                        store: any SettingStore, now: Date = Date()) async throws -> [String] {
        let load = await Registry(configuration: configuration).load()
        guard let legalCase = load.cases[caseID] else {
            throw InputError([InputProblem(file: "--case", line: nil, field: nil,
                                           message: "no case \(caseID) in the registry")])
        }
        let inputs = try await PipelineInputs.load(configuration: configuration, environment: environment)
        guard let recipient = inputs.subscribers.first(where: { $0.id == subscriberID }) else {
            throw InputError([InputProblem(file: configuration.subscribersPath, line: nil, field: nil,
                                           message: "no subscriber \(subscriberID)")])
        }
        let channels = try ChannelPreview.selected(channel, of: recipient)
        let planner = try await inputs.planner(store: store, environment: environment)
        var event = PreviewEvent.make(type: type, legalCase: legalCase, now: now)
        event.evidence = load.evidence(of: caseID, readAt: now)
        let route = Router.routes(for: event, subscribers: [recipient]).first
        var lines = [
            "# \(event.summaryLine)",
            "# routing: " + (route.map { $0.reasons.joined(separator: "; ") }
                ?? "this subscriber's filter does not match; shown anyway"),
        ]
        let drafts = try planner.drafts(
            for: event, route: Route(subscriber: recipient, channels: channels, reasons: []), generation: 0,
            now: now)
        for draft in drafts {
            guard let channel = planner.channels[draft.channel] else { continue }
            lines += ["", ChannelPreview.text(of: draft, by: channel, at: now)]
        }
        return lines
    }
}
