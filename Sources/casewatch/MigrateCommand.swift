import ArgumentParser
import CaseWatchApp
import CaseWatchStore
import Foundation

/// `casewatch migrate --to postgres://…`: the SQLite store into an empty PostgreSQL database, counts verified.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy the SQLite store (events, outbox with its state, opt-outs, settings, snapshots, …) into an "
            + "empty PostgreSQL database and verify the counts.")

    @OptionGroup var options: GlobalOptions

    @Option(name: .long, help: "postgres://user@host:port/database (?sslmode=verify-full&sslrootcert=CA.pem for TLS); no password here.")
    var to: String

    @Option(name: .long, help: "The environment variable that holds the database password.")
    var passwordEnv: String?

    func validate() throws {
        if let components = URLComponents(string: to), components.password != nil {
            throw ValidationError("--to must not carry a password; put it in an environment variable and name it "
                                  + "with --password-env")
        }
    }

    func run() async throws {
        let configuration = try options.loadConfiguration()
        try await Output.guarding {
            var password: String?
            if let passwordEnv {
                guard let value = ProcessInfo.processInfo.environment[passwordEnv] else {
                    throw StoreError(.unavailable, "the environment variable \(passwordEnv) (--password-env) is not set")
                }
                password = value
            }
            let report = try await StoreMigration(configuration: configuration, url: to, password: password).run()
            for (table, rows) in report.counts { Output.line("\(table): \(rows) row(s) copied") }
            Output.line("store copied to \(report.location) and verified; set state: \(report.location)"
                        + (passwordEnv.map { " and state_password_env: \($0)" } ?? "")
                        + " in every node's configuration")
        }
    }
}
