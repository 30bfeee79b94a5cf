import ArgumentParser
import Foundation

/// `casewatch`: watches a registry of cases against human-rights defenders and alerts subscribers.
@main
struct CaseWatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "casewatch",
        abstract: "Watch a registry of legal cases against human-rights defenders and alert subscribers.",
        discussion: """
            Exit codes: 0 done; 1 failure; 64 usage; 65 bad input data (nothing recorded, nothing sent); \
            75 another run holds the lock (nothing done).
            """,
        version: CaseWatchCommand.version,
        subcommands: [
            BackupCommand.self, CheckCommand.self, RunCommand.self, EventsCommand.self, MigrateCommand.self,
            OutboxCommand.self, PreviewCommand.self, SendTestCommand.self,
            ServeCommand.self, SilenceCommand.self, SourcesCommand.self, StatusCommand.self, SubscribersCommand.self,
        ]
    )

    /// Before anything else: a reload asked of `serve` in its first moments (SIGHUP before the reload service takes
    /// the signal over) must not kill the daemon, so the signal is ignored from the start.
    static func main() async {
        if CommandLine.arguments.dropFirst().contains("serve") { signal(SIGHUP, SIG_IGN) }
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }

    /// What `casewatch --version` prints: this release of CaseWatch.
    static let version = "2.0.0"
}
