import ArgumentParser

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
            OutboxCommand.self, PreviewCommand.self,
            ServeCommand.self, SilenceCommand.self, SourcesCommand.self, StatusCommand.self, SubscribersCommand.self,
        ]
    )

    /// What `casewatch --version` prints: this release of CaseWatch.
    static let version = "2.0.0"
}
