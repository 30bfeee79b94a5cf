import CaseWatchChannels
import CaseWatchModel
import CaseWatchPipeline
import CaseWatchSources
import Foundation
import InputFormats

extension Configuration {
    /// The channels of this configuration, in the order a subscriber's entries are composed. This is where a
    /// channel is registered: one line each.
    ///
    /// - Parameter delivering: false for composing only (`preview`, `check`): no transport, and no secret of a
    ///   transport is read.
    /// - Throws: ``InputError`` when a named secret cannot be found; the message names the variable or file,
    ///   never a value.
    package func channels(environment: ProcessEnvironment, composer: EmailComposer, delivering: Bool = true)
        throws(InputError) -> ChannelRegistry
    {
        ChannelRegistry([
            EmailChannel(composer: composer, delivery: delivering ? try emailDelivery(environment: environment, composer: composer) : .unconfigured,
                         signer: delivering ? try dkimSigner() : nil),
            WebhookChannel(delivery: delivering ? webhookDelivery : .unconfigured, environment: environment),
            MatrixChannel(delivery: delivering ? matrixDelivery : .unconfigured, environment: environment),
            TelegramChannel(delivery: delivering ? telegramDelivery : .unconfigured, environment: environment),
        ])
    }

    /// What a delivery run needs: the channels with their transports, the lanes, the retry schedule.
    package func deliverySettings(environment: ProcessEnvironment) throws(InputError) -> DeliverySettings {
        let composer = try emailComposer()
        return DeliverySettings(channels: try channels(environment: environment, composer: composer),
                                concurrency: delivery.concurrency, retry: RetryPolicy(schedule: delivery.retry))
    }

    /// E-mail's transport, with the SMTP password read from its environment variable or file.
    private func emailDelivery(environment: ProcessEnvironment, composer: EmailComposer) throws(InputError)
        -> EmailChannel.Delivery
    {
        switch email.transport {
        case .file:
            return .file(resolve(email.directory))
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
            return .smtp(SMTPSettings(
                url: email.url ?? "", requireTLS: email.tls == .required, username: email.username, password: password,
                caFile: email.caFile.map { resolve($0).path }, envelopeFrom: composer.from.address))
        }
    }

    private var matrixDelivery: MatrixChannel.Delivery {
        switch matrix.transport {
        case .http: .http(timeout: matrix.timeout, network: network.guardrail)
        case .file: .file(resolve(matrix.directory))
        }
    }

    private var telegramDelivery: TelegramChannel.Delivery {
        switch telegram.transport {
        case .http: .http(apiURL: telegram.apiURL, timeout: telegram.timeout, network: network.guardrail)
        case .file: .file(resolve(telegram.directory), apiURL: telegram.apiURL)
        }
    }

    private var webhookDelivery: WebhookChannel.Delivery {
        switch webhooks.transport {
        case .http: .http(timeout: webhooks.timeout, network: network.guardrail)
        case .file: .file(resolve(webhooks.directory))
        }
    }
}

/// What a delivery run needs, resolved once per cycle (secrets included, never logged).
package struct DeliverySettings: Sendable {
    package var channels: ChannelRegistry
    package var concurrency: Int
    package var retry: RetryPolicy

    package init(channels: ChannelRegistry, concurrency: Int, retry: RetryPolicy) {
        self.channels = channels
        self.concurrency = concurrency
        self.retry = retry
    }
}
