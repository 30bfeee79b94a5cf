import Foundation
import CaseWatchModel
import InputFormats

/// `casewatch.yml`: where the state, registry, templates and subscribers are, and how to deliver.
///
/// Relative paths are resolved against the folder that holds the configuration file, so cron can run
/// CaseWatch from any working directory. Secrets are never here: only the names of the environment
/// variables (`*_env`) or files (`*_file`) that hold them.
package struct Configuration: Sendable {
    /// The configuration file as given on the command line, used in messages.
    package var file: String
    package var baseDirectory: URL
    package var statePath: String = "var/casewatch.sqlite"
    /// `state_password_env`: the environment variable with the PostgreSQL password.
    package var statePasswordEnv: String?
    /// `cluster`: this node's name and how long its claims and its leadership last without renewal.
    package var cluster = Cluster()

    package struct Cluster: Sendable {
        package var nodeID: String?
        package var lease: TimeInterval = 30
    }

    /// Whether the store is a PostgreSQL database (`state: postgres://…`) rather than a SQLite file.
    package var usesPostgres: Bool { statePath.hasPrefix("postgres://") || statePath.hasPrefix("postgresql://") }
    /// Delivered entries' messages and attempts older than this are pruned (`retention`).
    package var retention: TimeInterval = 400 * 86_400
    package var registry = Registry()
    package var templatesPath: String = "templates/"
    /// The gazetteer of courts and authorities.
    package var authoritiesPath: String = "authorities/"
    /// Whether the file names the gazetteer itself (then the folder must exist).
    package var authoritiesConfigured = false
    package var subscribersPath: String = "subscribers/"
    package var email = Email()
    package var webhooks = Webhooks()
    package var matrix = Matrix()
    package var telegram = Telegram()
    package var delivery = Delivery()
    package var schedule = Schedule()
    package var http = HTTP()
    /// `network`: where requests made on a subscriber's or a source's behalf may connect (`Configuration+Network.swift`).
    package var network = Network()
    /// `operator.email`: told when an endpoint is disabled.
    package var operatorEmail: String?
    /// Unknown keys and other doubts found while loading.
    package var warnings: [InputProblem] = []

    package struct Registry: Sendable {
        /// A registry source: a folder of case files or a remote feed, named by its `id:`, else its path or url.
        package struct Source: Sendable, Equatable {
            package enum Kind: Sendable, Equatable {
                case folder(String)
                case feed(String)
                /// An official list read by an importer (`import:`).
                case list(ListImport)
            }

            package var kind: Kind
            package var id: String?
            /// `ca_file`: an extra CA bundle, or the intermediate a server leaves out of its chain, for a `url:` feed
            /// or list (as written; resolved against the configuration's folder). Verification is never turned off.
            package var caFile: String?

            package init(_ kind: Kind, id: String? = nil) {
                self.kind = kind
                self.id = id
            }

            package static func folder(_ path: String) -> Source { Source(.folder(path)) }
            package static func feed(_ url: String) -> Source { Source(.feed(url)) }

            /// How the operator names the source (`sources accept-empty NAME`, messages).
            package var name: String {
                if let id { return id }
                switch kind {
                case .folder(let path): return path
                case .feed(let url): return url
                case .list(let list): return "import:\(list.list.name):\(list.location.text)"
                }
            }
        }

        package enum InitialSync: String, Sendable, CaseIterable {
            case silent, announce
        }

        package var sources: [Source] = [.folder("registry/")]
        package var initialSync: InitialSync = .silent
        /// A step dated more than this before it is first seen is announced as recorded late.
        package var lateAfter: TimeInterval = 30 * 86_400
        /// A cycle that would remove more cases of one source than this stops and asks for
        /// `sources accept-empty SOURCE`.
        package var maxRemovals: Int = 5
    }

    package struct Email: Sendable {
        package enum Transport: String, Sendable, CaseIterable { case smtp, file }
        package enum TLS: String, Sendable, CaseIterable { case required, none }

        package var transport: Transport = .file
        package var url: String?
        package var tls: TLS = .required
        package var username: String?
        package var passwordEnv: String?
        package var passwordFile: String?
        package var caFile: String?
        package var from: String = "CaseWatch <alerts@localhost>"
        package var directory: String = "var/mail"
        /// `list_id`: the `List-Id` of every message; nil for one made from `from` (see `Configuration+DKIM.swift`).
        package var listID: String?
        /// `dkim`: how messages are signed; nil for unsigned.
        package var dkim: DKIM?
    }

    package struct Webhooks: Sendable {
        package enum Transport: String, Sendable, CaseIterable { case http, file }

        package var transport: Transport = .file
        package var timeout: TimeInterval = 15
        package var directory: String = "var/webhooks"
    }

    /// `matrix`: how Matrix messages leave (each subscriber names its homeserver and room).
    package struct Matrix: Sendable {
        package enum Transport: String, Sendable, CaseIterable { case http, file }

        package var transport: Transport = .file
        package var timeout: TimeInterval = 15
        package var directory: String = "var/matrix"
    }

    /// `telegram`: how Telegram messages leave, and which Bot API server takes them.
    package struct Telegram: Sendable {
        package enum Transport: String, Sendable, CaseIterable { case http, file }

        package var transport: Transport = .file
        package var apiURL: String = "https://api.telegram.org"
        package var timeout: TimeInterval = 15
        package var directory: String = "var/telegram"
    }

    package struct Delivery: Sendable {
        package var concurrency: Int = 8
        package var retry: [TimeInterval] = [5, 300, 1800, 7200, 18000, 36000, 36000]
        /// An event's alerts wait this long after detection, so an edit undone meanwhile sends nothing.
        package var hold: TimeInterval = 0
        /// An endpoint (other than an e-mail address) failing this long without a success is disabled.
        package var disableAfter: TimeInterval = 5 * 86_400
    }

    package struct Schedule: Sendable {
        package var interval: TimeInterval = 300
        package var reminders: [TimeInterval] = [7 * 86400, 86400]
        /// `case.deadline_reminder` before a step's deadline.
        package var deadlineReminders: [TimeInterval] = [7 * 86400, 2 * 86400]
    }

    package struct HTTP: Sendable {
        package var listen: String = "127.0.0.1:8080"
        package var baseURL: String = "https://alerts.example.org"
        package var tokenSecretEnv: String? = "CASEWATCH_TOKEN_SECRET"
        /// The variable holding the operator's console token; the console (`/console`) exists only while it is set.
        package var consoleTokenEnv: String? = "CASEWATCH_CONSOLE_TOKEN"
    }

    /// The embedded defaults, anchored at `baseDirectory`.
    package init(file: String, baseDirectory: URL) {
        self.file = file
        self.baseDirectory = baseDirectory
    }

    /// A path from the configuration, made absolute against the configuration's folder.
    package func resolve(_ path: String) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : baseDirectory.appendingPathComponent(path)
    }
}
