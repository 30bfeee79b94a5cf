import Foundation
import Logging
import Metrics
import ServiceLifecycle
import UnixSignals
import CaseWatchApp
import CaseWatchModel
import CaseWatchStore
import CaseWatchSources
import InputFormats

/// The daemon's heartbeat: a full cycle every `schedule.interval`.
///
/// On a graceful shutdown (SIGTERM, SIGINT) no new delivery starts; the transfers in flight finish and
/// are recorded, the rest stay queued for the next start, and the service returns.
struct CycleService: Service {
    let live: LiveInputs
    let environment: ProcessEnvironment
    let logger: Logger
    /// The store the daemon opened at start, shared by every cycle.
    let store: any StateStore
    /// Called after each cycle, to refresh the gauges.
    let afterCycle: @Sendable (any StateStore) async -> Void

    func run() async throws {
        while !Task.isShuttingDownGracefully {
            let (configuration, inputs) = await live.snapshot()
            await runCycle(configuration: configuration, inputs: inputs)
            do {
                try await cancelWhenGracefulShutdown {
                    try await Task.sleep(for: .seconds(configuration.schedule.interval))
                }
            } catch {
                break
            }
        }
        logger.notice("cycle service stopped")
    }

    private func runCycle(configuration: Configuration, inputs: PipelineInputs) async {
        let runner = CycleRunner(configuration: configuration, environment: environment, logger: logger,
                                 store: store, keepsLeadership: true, shouldStop: { Task.isCancelled || Task.isShuttingDownGracefully })
        do {
            let report = try await runner.runOnce(dryRun: false, inputs: inputs)
            logger.info("cycle done", metadata: [
                "cycle.events": "\(report.detection?.events.count ?? 0)",
                "cycle.leader": "\(report.leadership.leader ?? "none")",
                "cycle.delivered": "\(report.delivery?.delivered ?? 0)",
                "cycle.retrying": "\(report.delivery?.retrying ?? 0)", "cycle.dead": "\(report.delivery?.dead ?? 0)",
            ])
            await afterCycle(store)
        } catch let error as StoreError where error.kind == .busy {
            logger.warning("cycle skipped: \(error)")
        } catch let error as InputError {
            logger.error("cycle refused bad input; nothing recorded or sent", metadata: ["problems": "\(error)"])
        } catch {
            logger.error("cycle failed", metadata: ["error": "\(error)"])
        }
    }
}

/// SIGHUP: reload configuration, subscribers and templates; keep the running ones if anything is wrong.
struct ReloadService: Service {
    let live: LiveInputs
    let logger: Logger
    /// After a reload that took: the feeds are rendered with the templates just read.
    let afterReload: @Sendable () async -> Void

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            let problems = await live.reload()
            if problems.isEmpty {
                await afterReload()
                logger.notice("configuration, subscribers and templates reloaded")
            } else {
                Counter(label: "casewatch_config_reload_failures_total").increment()
                logger.error("reload refused; the running configuration stays",
                             metadata: ["problems": "\(problems.map(\.description).joined(separator: "; "))"])
            }
        }
    }
}
