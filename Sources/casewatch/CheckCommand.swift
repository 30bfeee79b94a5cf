import ArgumentParser
import Foundation
import CaseWatchApp

/// `casewatch check`: validates everything an operator edits, reporting every problem with file and line.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the configuration, registry, subscribers and templates (exit 65 when any is wrong)."
    )

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let configuration = try options.loadConfiguration()
        let report = await InputCheck(configuration: configuration,
                                      environment: .current).run()
        for problem in report.problems { Output.error("\(problem)") }
        // The DKIM keys' errors come with the report (delivery settings read the keys); their warnings and the
        // records to publish come from here.
        let dkim = configuration.dkimReport()
        for problem in dkim.problems where problem.severity == .warning && !report.problems.contains(problem) {
            Output.error("\(problem)")
        }
        // A damaged store is a failure, not bad input: exit 1, as `run` and `serve` would.
        let storeProblems = configuration.storeProblems()
        for problem in storeProblems { Output.error(problem) }
        guard storeProblems.isEmpty else { throw ExitCode(1) }
        guard report.errorCount == 0 else {
            Output.error("\(report.errorCount) problem(s) found")
            throw ExitCode(65)
        }
        Output.line(report.summary)
        if !dkim.records.isEmpty {
            // Public keys only: the private ones never leave their files.
            Output.line("DKIM: publish \(dkim.records.count == 1 ? "this DNS record" : "these DNS records") "
                        + "(a zone file splits a value longer than 255 characters into quoted strings):")
            for record in dkim.records { Output.line("  \(record)") }
        }
    }
}
