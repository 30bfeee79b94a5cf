import ArgumentParser
import CaseWatchDaemon
import Foundation
import Metrics
import Prometheus
import CaseWatchSources

/// `casewatch serve`: the daemon.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the cycle every schedule.interval and serve the HTTP endpoints, until SIGTERM or SIGINT.",
        discussion: "SIGHUP reloads configuration, subscribers and templates after validating them."
    )

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        _ = try options.loadConfiguration()
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(Daemon.metricsFactory(registry))
        try await Output.guarding {
            try await Daemon.run(configurationPath: options.config, environment: .current,
                                 logger: options.makeLogger(level: .info), metrics: registry)
        }
    }
}
