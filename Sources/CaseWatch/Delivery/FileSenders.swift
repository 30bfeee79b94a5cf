import Foundation

/// The embedded default for e-mail: each message written as `<directory>/<Message-ID>.eml`.
final class MailFileSender: DeliverySender {
    private let directory: URL

    init(directory: URL) {
        self.directory = directory
    }

    func send(_ job: DeliveryJob, at now: Date) -> SendResult {
        let name = FileName.safe(job.draft.messageID) + ".eml"
        do {
            try AtomicFile.write(Data(job.draft.payload), to: directory.appendingPathComponent(name))
            return SendResult(outcome: .delivered(detail: "written \(name)"), code: nil)
        } catch {
            return SendResult(outcome: .retryable(reason: "cannot write \(name): \(error.localizedDescription)"), code: nil)
        }
    }
}

/// The embedded default for webhooks: each request written as JSON (URL, signed headers, body).
final class WebhookFileSender: DeliverySender {
    private let directory: URL
    private let environment: ProcessEnvironment

    init(directory: URL, environment: ProcessEnvironment) {
        self.directory = directory
        self.environment = environment
    }

    func send(_ job: DeliveryJob, at now: Date) -> SendResult {
        let secrets = job.draft.secretEnv.map { WebhookSecret.all(in: environment[$0] ?? "") } ?? []
        var writer = JSONWriter(capacity: job.draft.payload.count + 512)
        writer.object { json in
            json.field("method", "POST")
            json.field("url", job.draft.recipient)
            json.key("headers")
            json.object { json in
                for header in WebhookRequest.headers(job: job, secrets: secrets, at: now) {
                    json.field(header.name, header.value)
                }
            }
            json.key("body")
            json.raw(job.draft.payload)
        }
        let name = FileName.safe(job.draft.messageID) + ".json"
        do {
            try AtomicFile.write(Data(writer.bytes), to: directory.appendingPathComponent(name))
            return SendResult(outcome: .delivered(detail: "written \(name)"), code: nil)
        } catch {
            return SendResult(outcome: .retryable(reason: "cannot write \(name): \(error.localizedDescription)"), code: nil)
        }
    }
}

/// Writes a whole file or nothing: a temporary file in the same folder, then a rename.
enum AtomicFile {
    static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        try data.write(to: temporary)
        if rename(temporary.path, url.path) != 0 {
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
    }
}

/// File names from message ids: letters, digits, `.`, `-` and `_` only.
enum FileName {
    static func safe(_ text: String) -> String {
        String(text.unicodeScalars.map { scalar -> Character in
            CharacterSet.alphanumerics.contains(scalar) && scalar.isASCII || "._-".unicodeScalars.contains(scalar)
                ? Character(scalar) : "_"
        })
    }
}
