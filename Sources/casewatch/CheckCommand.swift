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
        // A damaged store is a failure, not bad input: exit 1, as `run` and `serve` would.
        let storeProblems = configuration.storeProblems()
        for problem in storeProblems { Output.error(problem) }
        guard storeProblems.isEmpty else { throw ExitCode(1) }
        guard report.errorCount == 0 else {
            Output.error("\(report.errorCount) problem(s) found")
            throw ExitCode(65)
        }
        Output.line(report.summary)
    }
}
