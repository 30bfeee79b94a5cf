import CaseWatchModel
import Foundation

/// The embedded default for webhooks: each request written as JSON (URL, signed headers, body).
final class WebhookFileTransport: ChannelTransport {
    private let directory: URL
    private let keyring: WebhookKeyring

    init(directory: URL, environment: ProcessEnvironment) {
        self.directory = directory
        keyring = WebhookKeyring(environment: environment)
    }

    func send(_ job: DeliveryJob, at now: Date) -> SendResult {
        let (_, secrets, signingKey) = keyring.keys(for: job.draft.secretEnv)
        var writer = JSONWriter(capacity: job.draft.payload.count + 512)
        writer.object { json in
            json.field("method", "POST")
            json.field("url", job.draft.recipient)
            json.key("headers")
            json.object { json in
                for header in WebhookRequest.headers(job: job, secrets: secrets, signingKey: signingKey, at: now) {
                    json.field(header.name, header.value)
                }
            }
            json.key("body")
            json.raw(job.draft.payload)
        }
        let name = FileName.safe(job.draft.messageID) + ".json"
        return AtomicFile.deliver(Data(writer.bytes), as: name, in: directory)
    }
}
