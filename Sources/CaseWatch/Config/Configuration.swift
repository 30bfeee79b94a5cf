import Foundation

/// `casewatch.yml`: where the state, registry, templates and subscribers are, and how to deliver.
///
/// Relative paths are resolved against the folder that holds the configuration file, so cron can run
/// CaseWatch from any working directory. Secrets are never here: only the names of the environment
/// variables (`*_env`) or files (`*_file`) that hold them.
public struct Configuration: Sendable {
    /// The configuration file as given on the command line, used in messages.
    public var file: String
    public var baseDirectory: URL
    public var statePath: String = "var/casewatch.sqlite"
    public var registry = Registry()
    public var templatesPath: String = "templates/"
    public var subscribersPath: String = "subscribers/"
    public var email = Email()
    public var webhooks = Webhooks()
    public var delivery = Delivery()
    public var schedule = Schedule()
    public var http = HTTP()
    /// Unknown keys and other doubts found while loading.
    public var warnings: [InputProblem] = []

    public struct Registry: Sendable {
        public enum Source: Sendable, Equatable {
            case folder(String)
            case feed(String)
        }

        public enum InitialSync: String, Sendable, CaseIterable {
            case silent, announce
        }

        public var sources: [Source] = [.folder("registry/")]
        public var initialSync: InitialSync = .silent
    }

    public struct Email: Sendable {
        public enum Transport: String, Sendable, CaseIterable { case smtp, file }
        public enum TLS: String, Sendable, CaseIterable { case required, none }

        public var transport: Transport = .file
        public var url: String?
        public var tls: TLS = .required
        public var username: String?
        public var passwordEnv: String?
        public var passwordFile: String?
        public var caFile: String?
        public var from: String = "CaseWatch <alerts@localhost>"
        public var directory: String = "var/mail"
    }

    public struct Webhooks: Sendable {
        public enum Transport: String, Sendable, CaseIterable { case http, file }

        public var transport: Transport = .file
        public var timeout: TimeInterval = 15
        public var directory: String = "var/webhooks"
    }

    public struct Delivery: Sendable {
        public var concurrency: Int = 8
        public var retry: [TimeInterval] = [5, 300, 1800, 7200, 18000, 36000, 36000]
    }

    public struct Schedule: Sendable {
        public var interval: TimeInterval = 300
        public var reminders: [TimeInterval] = [7 * 86400, 86400]
    }

    public struct HTTP: Sendable {
        public var listen: String = "127.0.0.1:8080"
        public var baseURL: String = "https://alerts.example.org"
        public var tokenSecretEnv: String? = "CASEWATCH_TOKEN_SECRET"
    }

    /// The embedded defaults, anchored at `baseDirectory`.
    public init(file: String, baseDirectory: URL) {
        self.file = file
        self.baseDirectory = baseDirectory
    }

    /// A path from the configuration, made absolute against the configuration's folder.
    public func resolve(_ path: String) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : baseDirectory.appendingPathComponent(path)
    }
}
