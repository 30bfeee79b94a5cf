import CaseWatchModel

/// The environment variables a webhook's outbox entry names, in its one `secretEnv` column: the secrets' variable,
/// then, after a space, the signing key's (`COE_WEBHOOK_SECRET COE_SIGNING_KEY`). Neither name can hold a space (the
/// subscriber files refuse one), and an entry written before signing keys existed names the secrets alone.
///
/// Names, never values: each attempt reads what the variables hold then, so a rotation takes effect at once.
package struct WebhookKeyVariables: Sendable, Equatable {
    package var secrets: String
    package var signingKey: String?

    package init(secrets: String, signingKey: String?) {
        self.secrets = secrets
        self.signingKey = signingKey
    }

    /// The names an entry's `secretEnv` holds.
    package init(entry: String) {
        let names = entry.split(separator: " ", maxSplits: 1)
        secrets = names.first.map(String.init) ?? ""
        signingKey = names.count > 1 ? String(names[1]) : nil
    }

    /// What an entry's `secretEnv` holds.
    package var entry: String {
        signingKey.map { "\(secrets) \($0)" } ?? secrets
    }
}

/// The keys of webhook attempts, read from the environment once per variable for a lane's life (a cycle).
final class WebhookKeyring {
    private let environment: ProcessEnvironment
    private var secrets: [String: [WebhookSecret]] = [:]
    private var signingKeys: [String: WebhookSigningKey?] = [:]

    init(environment: ProcessEnvironment) {
        self.environment = environment
    }

    /// The secrets and signing key an entry's `secretEnv` names.
    func keys(for entry: String?) -> (variables: WebhookKeyVariables, secrets: [WebhookSecret], signingKey: WebhookSigningKey?) {
        let variables = WebhookKeyVariables(entry: entry ?? "")
        let secrets = self.secrets[variables.secrets] ?? WebhookSecret.all(in: environment[variables.secrets] ?? "")
        self.secrets[variables.secrets] = secrets
        guard let name = variables.signingKey else { return (variables, secrets, nil) }
        if let known = signingKeys[name] { return (variables, secrets, known) }
        let key = environment[name].flatMap(WebhookSigningKey.init)
        signingKeys[name] = key
        return (variables, secrets, key)
    }
}
