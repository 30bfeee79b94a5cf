import Foundation
import InternetMessage
import CaseWatchModel
import CaseWatchPipeline
import InputFormats

/// Turns one parsed subscriber file into a ``Subscriber``, logging every problem with its field and line.
struct SubscriberDecoder {
    let log: ProblemLog
    /// The environment, to check that every named secret is set and well formed; nil for a command that reads
    /// subscribers without sending (`subscribers`, `outbox enable`), which need no secret.
    let environment: ProcessEnvironment?

    func decode(_ node: SourceNode) -> Subscriber? {
        guard var fields = MapReader(node, path: "", log: log) else { return nil }
        defer { fields.finish() }
        let before = log.errorCount

        let id = fields.string("id", required: true)
        if let id, !CaseDecoder.isSlug(id) {
            log.error("\"\(id)\" is not a slug (lowercase letters, digits and hyphens)", field: "id",
                      line: fields.node("id")?.line)
        }
        let name = headerSafe(&fields, "name", required: true)
        let language = fields.value("language", as: Language.self, noun: "a language") ?? .en
        let email = headerSafe(&fields, "email")
        if let email {
            // The very check the message builder makes, so an address accepted here is never refused
            // later, in the middle of a cycle.
            do {
                _ = try MailAddress(address: email, displayName: name)
            } catch {
                let field = error.field == "display name" ? "name" : "email"
                log.error(error.reason, field: field, line: fields.node(field)?.line)
            }
        }
        let webhook = fields.map("webhook").flatMap(decodeWebhook)
        let matrix = fields.map("matrix").flatMap(decodeMatrix)
        let telegram = fields.map("telegram").flatMap(decodeTelegram)
        if email == nil, fields.node("webhook") == nil, fields.node("matrix") == nil, fields.node("telegram") == nil {
            log.error("give at least one of email, webhook, matrix, telegram", field: "email", line: fields.line)
        }
        let filter = fields.map("filter").map(decodeFilter) ?? SubscriberFilter()
        let delivery = fields.value("delivery", as: Subscriber.Delivery.self, noun: "a delivery mode") ?? .immediate
        let digest = fields.string("digest")
        if delivery == .digest {
            if let digest {
                if let problem = CronSchedule.problem(in: digest) {
                    log.error("\"\(digest)\" is not a cron expression: \(problem)", field: "digest",
                              line: fields.node("digest")?.line)
                } else if CronSchedule(digest)?.nextSlot(after: Date(), in: .gmt) == nil {
                    log.error("\"\(digest)\" never comes (no such day)", field: "digest", line: fields.node("digest")?.line)
                }
            } else {
                log.error("is required with delivery: digest", field: "digest", line: fields.line)
            }
        }
        let timezone = fields.string("timezone") ?? "UTC"
        if TimeZone(identifier: timezone) == nil {
            log.error("\"\(timezone)\" is not a time zone of the tz database (like Europe/Paris)", field: "timezone",
                      line: fields.node("timezone")?.line)
        }
        let sourcesPolicy = fields.value("sources_policy", as: SourcesPolicy.self, noun: "a sources policy") ?? .all
        let fallback = decodeFallback(&fields)
        guard log.errorCount == before, let id, let name else { return nil }
        var subscriber = Subscriber(id: id, name: name, language: language, email: email, webhook: webhook,
                                    filter: filter, delivery: delivery, digest: digest, timezone: timezone,
                                    sourcesPolicy: sourcesPolicy, file: log.file, matrix: matrix, telegram: telegram)
        subscriber.fallback = fallback
        return subscriber
    }

    private func decodeWebhook(_ fields: MapReader) -> WebhookEndpoint? {
        var fields = fields
        defer { fields.finish() }
        let url = fields.string("url", required: true)
        if let url {
            let components = URLComponents(string: url)
            if url.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }) {
                // Not echoed: the address may also carry credentials.
                log.error("holds white space or a control character (a line break would reach the request as it is)",
                          field: fields.fieldPath("url"),
                          line: fields.node("url")?.line)
            } else if components?.user != nil || components?.password != nil {
                log.error("must not carry credentials (user info before the host): they would be printed by preview "
                          + "and stored in the outbox", field: fields.fieldPath("url"), line: fields.node("url")?.line)
            } else if !["http", "https"].contains(components?.scheme ?? "") || (components?.host ?? "").isEmpty {
                log.error("\"\(url)\" is not an http(s) address", field: fields.fieldPath("url"),
                          line: fields.node("url")?.line)
            }
        }
        let secretEnv = fields.string("secret_env", required: true)
        if let secretEnv, !Self.isVariableName(secretEnv) {
            log.error("\"\(secretEnv)\" is not the name of an environment variable (no spaces or =)",
                      field: fields.fieldPath("secret_env"), line: fields.node("secret_env")?.line)
        } else if let secretEnv {
            let line = fields.node("secret_env")?.line
            if let environment, let value = environment[secretEnv], !value.isEmpty {
                for problem in WebhookSecret.problems(in: value) {
                    // Name the variable, never its value.
                    log.error("the secret in $\(secretEnv) \(problem)", field: fields.fieldPath("secret_env"), line: line)
                }
            } else if environment != nil {
                log.error("the environment variable \(secretEnv) is not set", field: fields.fieldPath("secret_env"),
                          line: line)
            }
        }
        let template = fields.string("template")
        if let template, !CaseDecoder.isSlug(template) {
            log.error("\"\(template)\" is not a template name (lowercase letters, digits and hyphens)",
                      field: fields.fieldPath("template"), line: fields.node("template")?.line)
        }
        if fields.node("secret") != nil {
            log.error("secrets never sit in subscriber files: name an environment variable with secret_env",
                      field: fields.fieldPath("secret"), line: fields.line)
        }
        var version = 1
        if let text = fields.string("version") {
            if let number = Int(text), [1, 2].contains(number) {
                version = number
            } else {
                log.error("\"\(text)\" is not a body version (1 or 2)", field: fields.fieldPath("version"),
                          line: fields.node("version")?.line)
            }
        }
        let signingKeyEnv = decodeSigningKeyEnv(&fields)
        let rate = decodeRate(&fields)
        guard let url, let secretEnv else { return nil }
        return WebhookEndpoint(url: url, secretEnv: secretEnv, template: template, version: version,
                               signingKeyEnv: signingKeyEnv, rate: rate)
    }

    /// `signing_key_env`: the variable holding a `whsk_` key, checked (never repeated) when the environment is given.
    private func decodeSigningKeyEnv(_ fields: inout MapReader) -> String? {
        guard let name = fields.string("signing_key_env") else { return nil }
        let field = fields.fieldPath("signing_key_env")
        let line = fields.node("signing_key_env")?.line
        guard Self.isVariableName(name) else {
            log.error("\"\(name)\" is not the name of an environment variable (no spaces or =)", field: field, line: line)
            return nil
        }
        if let environment {
            if let value = environment[name], !value.isEmpty {
                for problem in WebhookSigningKey.problems(in: value) {
                    log.error("the key in $\(name) \(problem)", field: field, line: line)
                }
            } else {
                log.error("the environment variable \(name) is not set", field: field, line: line)
            }
        }
        return name
    }

    /// Whether `name` can name an environment variable: not empty, no whitespace, no `=`.
    private static func isVariableName(_ name: String) -> Bool {
        !name.isEmpty && !name.contains { $0.isWhitespace || $0 == "=" }
    }

    private static let filterKeys = ["countries", "types", "events", "statuses", "cases", "tags"]

    private func decodeFilter(_ fields: MapReader) -> SubscriberFilter {
        var fields = fields
        defer { fields.finish() }
        // An unknown key would match everything silently (a typo in `statuses` sends every alert): an error.
        for key in fields.keys where !Self.filterKeys.contains(key) {
            let hint = Spelling.closest(to: key, among: Self.filterKeys).map { " (did you mean \"\($0)\"?)" } ?? ""
            log.error("is not a filter key\(hint)", field: fields.fieldPath(key), line: fields.node(key)?.line)
        }
        var filter = SubscriberFilter()
        filter.countries = fields.stringList("countries")
        for country in filter.countries ?? [] where !CountryCodes.isAssigned(country) {
            log.error("\"\(country)\" is not an ISO 3166-1 alpha-2 country code", field: "filter.countries",
                      line: fields.node("countries")?.line)
        }
        filter.types = values("types", in: &fields, noun: "a case type")
        filter.events = values("events", in: &fields, noun: "an event type")
        filter.statuses = values("statuses", in: &fields, noun: "a status")
        filter.cases = fields.stringList("cases")
        filter.tags = fields.stringList("tags")
        return filter
    }

    private func values<Value: RawRepresentable & CaseIterable>(
        _ key: String, in fields: inout MapReader, noun: String
    ) -> [Value]? where Value.RawValue == String {
        guard let texts = fields.stringList(key) else { return nil }
        var values: [Value] = []
        for (index, text) in texts.enumerated() {
            if let value = Value(rawValue: text) {
                values.append(value)
            } else {
                log.error(MapReader.notOneOf(text, noun: noun, choices: Value.allCases.map(\.rawValue)),
                          field: "filter.\(key)[\(index)]", line: fields.node(key)?.line)
            }
        }
        return values
    }

    /// A value that reaches an e-mail header: CR, LF and NUL are refused.
    private func headerSafe(_ fields: inout MapReader, _ key: String, required: Bool = false) -> String? {
        guard let text = fields.string(key, required: required) else { return nil }
        if text.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) {
            log.error("must be on one line (line breaks could forge e-mail headers)", field: fields.fieldPath(key),
                      line: fields.node(key)?.line)
            return nil
        }
        return text
    }
}
