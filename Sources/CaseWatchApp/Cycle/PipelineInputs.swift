import Foundation
import CaseWatchChannels
import CaseWatchModel
import CaseWatchPipeline
import CaseWatchRendering
import CaseWatchStore
import CaseWatchSources
import InputFormats

/// Everything an operator edits, loaded and validated together: subscribers, templates, and what the
/// cycle needs to turn events into messages.
package struct PipelineInputs: Sendable {
    package let configuration: Configuration
    package let subscribers: [Subscriber]
    package let templates: TemplateSet
    package let composer: EmailComposer

    /// Loads subscribers and templates; every problem (file, line, field) is thrown together.
    package static func load(configuration: Configuration, environment: ProcessEnvironment) async throws(InputError)
        -> PipelineInputs
    {
        let (inputs, problems) = await loadCollecting(configuration: configuration, environment: environment)
        try problems.throwIfErrors()
        return inputs!
    }

    /// Loads what it can and returns every problem, for `check`.
    static func loadCollecting(configuration: Configuration, environment: ProcessEnvironment) async
        -> (PipelineInputs?, [InputProblem])
    {
        await Blocking.run {
            var problems: [InputProblem] = []
            let subscribers = SubscriberDirectory(configuration: configuration).load(environment: environment)
            problems += subscribers.problems
            let (templates, templateProblems) = TemplateSet.load(
                directory: configuration.resolve(configuration.templatesPath), displayPath: configuration.templatesPath)
            problems += templateProblems
            for subscriber in subscribers.subscribers {
                if let name = subscriber.webhook?.template, templates.webhookTemplates[name] == nil {
                    problems.append(InputProblem(
                        file: subscriber.file, line: nil, field: "webhook.template",
                        message: "no template \(configuration.templatesPath)webhooks/\(name).mustache"))
                }
            }
            var composer: EmailComposer?
            do throws(InputError) {
                composer = try EmailComposer(from: configuration.email.from, file: configuration.file)
            } catch {
                problems += error.problems
            }
            guard let composer, !problems.contains(where: { $0.severity == .error }) else { return (nil, problems) }
            return (PipelineInputs(configuration: configuration, subscribers: subscribers.subscribers,
                                   templates: templates, composer: composer), problems)
        }
    }

    /// The planner for this cycle, with the unsubscribe secret from the environment or the store.
    ///
    /// - Parameter channels: the channels to compose for; nil composes for every registered channel without
    ///   their transports (`preview`).
    package func planner(store: any SettingStore, channels: ChannelRegistry? = nil, environment: ProcessEnvironment)
        async throws -> AlertPlanner
    {
        let links = SubscriberLinks(tokens: UnsubscribeToken(secret: try await Self.tokenSecret(configuration, store, environment)),
                                    baseURL: configuration.http.baseURL)
        return AlertPlanner(
            subscribers: subscribers, renderer: AlertRenderer(templates: templates),
            channels: try channels ?? configuration.channels(environment: environment, composer: composer, delivering: false),
            links: links)
    }

    /// `http.token_secret_env` when set; otherwise a random secret generated once and kept in the store.
    package static func tokenSecret(_ configuration: Configuration, _ store: any SettingStore,
                                    _ environment: ProcessEnvironment)
        async throws -> String
    {
        if let name = configuration.http.tokenSecretEnv, let value = environment[name], !value.isEmpty {
            return value
        }
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
        return try await store.settingOnce("unsubscribe_token_secret", value: Base32.lowercase(bytes))
    }
}
