import Foundation
import CaseWatchChannels
import CaseWatchModel
import CaseWatchPipeline
import CaseWatchRendering
import CaseWatchSources
import InputFormats

/// `casewatch check`: loads everything an operator edits and collects every problem, without writing.
package struct InputCheck: Sendable {
    package let configuration: Configuration
    package let environment: ProcessEnvironment

    package init(configuration: Configuration, environment: ProcessEnvironment) {
        self.configuration = configuration
        self.environment = environment
    }

    /// How many cases every template is rendered against.
    static let sampleSize = 50

    package struct Report: Sendable {
        package var problems: [InputProblem]
        package var caseCount: Int
        package var subscriberCount: Int
        package var renderedCount: Int

        package var errorCount: Int { problems.errors.count }
        package var summary: String {
            "ok: \(caseCount) case(s), \(subscriberCount) subscriber(s), \(renderedCount) template rendering(s)"
        }
    }

    package func run() async -> Report {
        let load = await Registry(configuration: configuration).load()
        var problems = load.problems
        for (feed, reason) in load.feedFailures.sorted(by: { $0.key < $1.key }) {
            problems.append(InputProblem(file: feed, line: nil, field: "registry.sources",
                                         message: "feed failed: \(reason)", severity: .warning))
        }
        // Addresses the network guard would refuse when connecting, said now with their file and line.
        problems += configuration.networkProblems()
        let (inputs, inputProblems) = await PipelineInputs.loadCollecting(
            configuration: configuration, environment: environment)
        problems += inputProblems
        problems += Self.exampleAddresses(configuration, subscribers: inputs?.subscribers ?? [])
        do {
            _ = try configuration.deliverySettings(environment: environment)
        } catch {
            problems += error.problems.filter { !problems.contains($0) }
        }
        var rendered = 0
        if let inputs {
            // Every template against a sample of the cases (all of them in a registry of normal size):
            // enough to meet every shape of case without rendering a large registry whole.
            let cases = load.cases.values.sorted { $0.id < $1.id }
            let stride = max(1, cases.count / Self.sampleSize)
            let sample = Swift.stride(from: 0, to: cases.count, by: stride).prefix(Self.sampleSize).map { cases[$0] }
            rendered = renderAll(inputs: inputs, cases: sample, problems: &problems)
        }
        return Report(problems: problems, caseCount: load.cases.count, subscriberCount: inputs?.subscribers.count ?? 0,
                      renderedCount: rendered)
    }

    /// Renders every event type in every language against every case, and every subscriber's e-mail;
    /// an empty subject or summary, or a message that cannot be built safely, is reported.
    private func renderAll(inputs: PipelineInputs, cases: [LegalCase], problems: inout [InputProblem]) -> Int {
        let renderer = AlertRenderer(templates: inputs.templates)
        let base = configuration.templatesPath.hasSuffix("/") ? configuration.templatesPath : configuration.templatesPath + "/"
        var count = 0
        for type in EventType.allCases {
            for language in Language.allCases {
                let subscriber = Subscriber(id: "check", name: "CaseWatch check", language: language, email: "check@example.org")
                for legalCase in cases {
                    let event = PreviewEvent.make(type: type, legalCase: legalCase, now: Date())
                    let alert = renderer.render(event, for: subscriber, unsubscribeURL: "https://example.org/u")
                    count += 1
                    for (part, text) in [("email.subject", alert.subject), ("summary", alert.summary),
                                         ("email.txt", alert.text)] where text.isEmpty {
                        problems.append(InputProblem(
                            file: "\(base)\(type.rawValue)/\(part).\(language.rawValue).mustache", line: nil, field: nil,
                            message: "renders empty for case \(legalCase.id)"))
                    }
                }
            }
        }
        // A subscriber's own webhook template against every event type and every sampled case: whether
        // it makes JSON can depend on the data.
        for subscriber in inputs.subscribers {
            guard let name = subscriber.webhook?.template, inputs.templates.webhookTemplates[name] != nil else { continue }
            var failures: Set<String> = []
            for type in EventType.allCases {
                for legalCase in cases {
                    let event = PreviewEvent.make(type: type, legalCase: legalCase, now: Date())
                    do {
                        _ = try renderer.webhookBody(event, for: subscriber, template: name,
                                                     summary: renderer.summary(event, language: subscriber.language))
                    } catch {
                        failures.insert("\(error)")
                    }
                }
            }
            for failure in failures.sorted() {
                problems.append(InputProblem(file: subscriber.file, line: nil, field: "webhook.template", message: failure))
            }
        }
        if let legalCase = cases.first {
            let links = SubscriberLinks(tokens: UnsubscribeToken(secret: "check"), baseURL: configuration.http.baseURL)
            let channels = (try? configuration.channels(environment: environment, composer: inputs.composer,
                                                        delivering: false)) ?? ChannelRegistry([])
            let planner = AlertPlanner(subscribers: inputs.subscribers, renderer: renderer, channels: channels,
                                       links: links)
            for subscriber in inputs.subscribers {
                let event = PreviewEvent.make(type: .statusChanged, legalCase: legalCase, now: Date())
                let route = Route(subscriber: subscriber, channels: subscriber.channels, reasons: [])
                do {
                    _ = try planner.drafts(for: event, route: route, generation: 0, now: Date())
                } catch {
                    problems.append(InputProblem(file: subscriber.file, line: nil, field: nil,
                                                 message: "an alert cannot be built safely: \(error)"))
                }
            }
        }
        return count
    }
}
