import CaseWatchTesting
import Foundation

/// A CaseWatch set-up in a temporary folder that delivers to real peers on 127.0.0.1: the sample
/// registry and templates, subscribers written by the test, SMTP and webhook settings pointing at the
/// peers, secrets in the environment only.
struct DeliveryWorkspace {
    static let smtpPassword = "s3cret-smtp-password-7f3a"
    static let webhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let secretMaterial = [smtpPassword, webhookSecret, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]

    let directory: TemporaryDirectory
    let casewatch: CommandRunner

    /// - Parameters:
    ///   - smtp: the SMTP peer, or nil for the file transport.
    ///   - retry: `delivery.retry`, short so tests can walk through a schedule.
    ///   - allowPrivate: `network.allow_private`: the peers listen on 127.0.0.1, which the network guard refuses
    ///     unless it is allowed.
    init(smtp: SMTPServer?, webhookTimeout: String = "5s", retry: String = "[100ms, 100ms, 100ms, 100ms]",
         concurrency: Int = 4, hold: String = "0s", disableAfter: String = "5d", allowPrivate: String = "[127.0.0.0/8]",
         extra: String = "") throws {
        directory = try TemporaryDirectory("casewatch-delivery")
        try RepositoryFiles.copy(["registry", "templates"], into: directory)
        var email = "  transport: file\n  directory: var/mail\n"
        if let smtp {
            email = """
                  transport: smtp
                  url: smtp://127.0.0.1:\(smtp.port)
                  tls: \(smtp.certificate == nil ? "none" : "required")
                  username: alerts
                  password_env: CASEWATCH_SMTP_PASSWORD

                """
            if let certificate = smtp.certificate { email += "  ca_file: \(certificate.path)\n" }
        }
        try directory.write("casewatch.yml", """
            state: var/casewatch.sqlite
            registry:
              sources:
                - path: registry/
            templates: templates/
            subscribers: subscribers/
            email:
            \(email)  from: "CaseWatch <alerts@casewatch.example.org>"
            webhooks:
              transport: http
              timeout: \(webhookTimeout)
            network:
              allow_private: \(allowPrivate)
            delivery:
              concurrency: \(concurrency)
              retry: \(retry)
              hold: \(hold)
              disable_after: \(disableAfter)
            http:
              base_url: https://alerts.example.org
              token_secret_env: CASEWATCH_TOKEN_SECRET
            \(extra)
            """)
        try FileManager.default.createDirectory(at: directory.url.appendingPathComponent("subscribers"),
                                                withIntermediateDirectories: true)
        casewatch = CommandRunner(directory: directory.url, environment: [
            "CASEWATCH_SMTP_PASSWORD": Self.smtpPassword, "HOOK_SECRET": Self.webhookSecret,
            "CASEWATCH_TOKEN_SECRET": "token-secret-for-tests",
        ])
    }

    func addEmailSubscriber(_ id: String, address: String, language: String = "en", cases: [String]? = nil) throws {
        let filter = cases.map { "filter:\n  cases: [\($0.joined(separator: ", "))]\n" } ?? ""
        try directory.write("subscribers/\(id).yaml",
                            "id: \(id)\nname: Reader \(id)\nlanguage: \(language)\nemail: \(address)\n\(filter)")
    }

    func addWebhookSubscriber(_ id: String, url: String, language: String = "fr") throws {
        try directory.write("subscribers/\(id).yaml", """
            id: \(id)
            name: System \(id)
            language: \(language)
            webhook:
              url: \(url)
              secret_env: HOOK_SECRET

            """)
    }

    /// Adds a step to a case (by default: a cassation appeal to the Moscow Helsinki Group case), one status
    /// change; each call dates its step a day after the one before.
    func moveCase(_ id: String = "moscow-helsinki-group-liquidation", to status: String = "cassation_filed") throws {
        let path = "registry/\(id).yaml"
        let day = 1 + (try directory.read(path).components(separatedBy: "2026-10-").count - 1)
        let date = String(format: "2026-10-%02d", day)
        try directory.write(path, CaseFileEdit.appendingStep("{date: \(date), status: \(status)}", to: try directory.read(path)))
    }

    @discardableResult
    func run(_ arguments: [String] = ["run", "--once"]) throws -> CommandRunner.Result {
        try casewatch.run(arguments)
    }

    func outbox() throws -> [[String: Any]] {
        try run(["outbox", "list", "--json"]).stdout.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
        }
    }
}
