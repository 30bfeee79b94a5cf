import Foundation

extension Configuration {
    /// The delivery settings, with the SMTP password read from its environment variable or file.
    ///
    /// - Throws: ``InputError`` when a named secret cannot be found; the message names the variable or
    ///   file, never a value.
    public func deliverySettings(environment: ProcessEnvironment) throws(InputError) -> DeliverySettings {
        let emailRoute: DeliverySettings.EmailRoute
        switch email.transport {
        case .file:
            emailRoute = .file(resolve(email.directory))
        case .smtp:
            var password: String?
            if let name = email.passwordEnv {
                guard let value = environment[name], !value.isEmpty else {
                    throw InputError([InputProblem(file: file, line: nil, field: "email.password_env",
                                                   message: "the environment variable \(name) is not set")])
                }
                password = value
            } else if let path = email.passwordFile {
                guard let data = FileManager.default.contents(atPath: resolve(path).path),
                      let text = String(data: data, encoding: .utf8)
                else {
                    throw InputError([InputProblem(file: file, line: nil, field: "email.password_file",
                                                   message: "cannot read \(path)")])
                }
                password = text.trimmingCharacters(in: .newlines)
            }
            let envelope = (try? EmailComposer(from: email.from, file: file))?.from.address ?? email.from
            emailRoute = .smtp(SMTPSettings(
                url: email.url ?? "", requireTLS: email.tls == .required, username: email.username, password: password,
                caFile: email.caFile.map { resolve($0).path }, envelopeFrom: envelope))
        }
        let webhookRoute: DeliverySettings.WebhookRoute = switch webhooks.transport {
        case .http: .http(timeout: webhooks.timeout)
        case .file: .file(resolve(webhooks.directory))
        }
        return DeliverySettings(email: emailRoute, webhooks: webhookRoute, concurrency: delivery.concurrency,
                                retry: RetryPolicy(schedule: delivery.retry), environment: environment)
    }
}
