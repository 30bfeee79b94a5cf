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
                composer = try configuration.emailComposer()
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
        let links = SubscriberLinks(tokens: UnsubscribeToken(keys: try await Self.linkKeys(configuration, store, environment)),
                                    baseURL: configuration.http.baseURL)
        var planner = AlertPlanner(
            subscribers: try await Self.withPreferences(subscribers, store: store), renderer: AlertRenderer(templates: templates, facts: RenderingFacts(gazetteer: gazetteer)),
            channels: try channels ?? configuration.channels(environment: environment, composer: composer, delivering: false),
            links: links)
        planner.hold = configuration.delivery.hold
        return planner
    }

    /// `subscribers` with the choices each made on the preference page over its file's settings.
    static func withPreferences(_ subscribers: [Subscriber], store: any SettingStore) async throws -> [Subscriber] {
        let settings = try await store.settings(withPrefix: "preferences:")
        guard !settings.isEmpty else { return subscribers }
        return subscribers.map { subscriber in
            let prefix = SubscriberPreferences.prefix(subscriber.id)
            var choices: [String: String] = [:]
            for (key, value) in settings where key.hasPrefix(prefix) { choices[String(key.dropFirst(prefix.count))] = value }
            return choices.isEmpty ? subscriber : SubscriberPreferences(choices: choices).applied(to: subscriber)
        }
    }

    /// `http.token_secret_env` when set; otherwise a random secret generated once and kept in the store.
    package static func linkKeys(_ configuration: Configuration, _ store: any SettingStore,
                                 _ environment: ProcessEnvironment) async throws -> LinkKeys
    {
        let configured = configuration.http.tokenSecretEnv.flatMap { environment[$0] }
        let generated: String?
        if let configured, !configured.trimmingCharacters(in: .whitespaces).isEmpty {
            // A key generated before one was configured keeps verifying the links it signed.
            generated = try await store.setting(Self.generatedKeySetting)
        } else {
            var bytes = [UInt8](repeating: 0, count: 32)
            var generator = SystemRandomNumberGenerator()
            for index in bytes.indices { bytes[index] = generator.next() }
            generated = try await store.settingOnce(Self.generatedKeySetting, value: Base32.lowercase(bytes))
        }
        return LinkKeys.from(configured: configured, generated: generated)!
    }

    /// Where the link key CaseWatch generates, when none is configured, is kept.
    static let generatedKeySetting = "unsubscribe_token_secret"
}
