import Foundation
import CaseWatchChannels
import CaseWatchModel
import CaseWatchPipeline
import CaseWatchRendering
import CaseWatchStore
import CaseWatchSources
import InputFormats

/// Everything an operator edits besides the registry, loaded and validated together: subscribers, templates, the
/// gazetteer, and what the cycle needs to turn events into messages.
package struct PipelineInputs: Sendable {
    package let configuration: Configuration
    package let subscribers: [Subscriber]
    package let templates: TemplateSet
    package let composer: EmailComposer
    package let gazetteer: Gazetteer
    /// The errors of the subscribers left out: `run` and `serve` skip a subscriber whose file is wrong (and log
    /// why), and everyone else still gets alerts; `check` refuses them all.
    package let skippedSubscribers: [InputProblem]

    /// Loads subscribers, templates and the gazetteer; every problem (file, line, field) that stops a cycle is
    /// thrown together. A subscriber with an error only leaves that subscriber out.
    package static func load(configuration: Configuration, environment: ProcessEnvironment) async throws(InputError)
        -> PipelineInputs
    {
        let (inputs, problems) = await loadCollecting(configuration: configuration, environment: environment)
        guard let inputs else {
            try problems.throwIfErrors()
            throw InputError(problems)
        }
        return inputs
    }

    /// Loads what it can and returns every problem, for `check`; nil when something other than a subscriber's
    /// file is wrong.
    static func loadCollecting(configuration: Configuration, environment: ProcessEnvironment) async
        -> (PipelineInputs?, [InputProblem])
    {
        await Blocking.run {
            var problems: [InputProblem] = []
            let subscribers = SubscriberDirectory(configuration: configuration).load(environment: environment)
            let subscriberErrors = subscribers.problems.errors
            problems += subscribers.problems
            let (templates, templateProblems) = TemplateSet.load(
                directory: configuration.resolve(configuration.templatesPath), displayPath: configuration.templatesPath)
            problems += templateProblems
            let (gazetteer, gazetteerProblems) = AuthorityDirectory(configuration: configuration).load()
            problems += gazetteerProblems
            var skipped = subscriberErrors
            var kept: [Subscriber] = []
            for subscriber in subscribers.subscribers {
                if let name = subscriber.webhook?.template, templates.webhookTemplates[name] == nil {
                    let problem = InputProblem(
                        file: subscriber.file, line: nil, field: "webhook.template",
                        message: "no template \(configuration.templatesPath)webhooks/\(name).mustache")
                    problems.append(problem)
                    skipped.append(problem)
                } else {
                    kept.append(subscriber)
                }
            }
            var composer: EmailComposer?
            do throws(InputError) {
                composer = try EmailComposer(from: configuration.email.from, file: configuration.file)
            } catch {
                problems += error.problems
            }
            let blocking = problems.errors.filter { !skipped.contains($0) }
            guard let composer, blocking.isEmpty else { return (nil, problems) }
            return (PipelineInputs(configuration: configuration, subscribers: kept, templates: templates,
                                   composer: composer, gazetteer: gazetteer, skippedSubscribers: skipped), problems)
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
            subscribers: subscribers, renderer: AlertRenderer(templates: templates, facts: RenderingFacts(gazetteer: gazetteer)),
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
