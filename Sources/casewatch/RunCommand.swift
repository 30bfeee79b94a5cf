import ArgumentParser
import Foundation
import CaseWatchApp

/// `casewatch run --once`: one full cycle, for cron.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run one cycle: read the registry, detect changes, record them, deliver what is due, then exit."
    )

    @OptionGroup var options: GlobalOptions

    @Flag(name: .long, help: "Run one cycle and exit (the cron entry point).")
    var once = false

    @Flag(name: .long, help: "Print the events and deliveries the cycle would make; record and send nothing.")
    var dryRun = false

    func validate() throws {
        guard once else {
            throw ValidationError("run needs --once (for a daemon, use casewatch serve)")
        }
    }

    func run() async throws {
        let configuration = try options.loadConfiguration()
        // SIGTERM or SIGINT (cron's `timeout`, Ctrl-C): no new delivery starts; those in flight finish and are
        // recorded, entries claimed but not started stay queued, and the run ends as usual — nothing is sent twice.
        let stop = StopRequest(signals: [SIGTERM, SIGINT])
        let runner = CycleRunner(configuration: configuration, environment: .current,
                                 logger: options.makeLogger(), shouldStop: { stop.isRequested })
        try await Output.guarding {
            let report = try await runner.runOnce(dryRun: dryRun)
            guard let detection = report.detection else {
                // Another node leads detection; this run delivered its share of the queue.
                var line = "not leading detection (leader: \(report.leadership.leader ?? "none"))"
                if let delivery = report.delivery {
                    line += "; sent \(delivery.delivered), retrying \(delivery.retrying), dead \(delivery.dead)"
                }
                Output.line(line)
                return
            }
            for warning in detection.warnings { Output.error("\(warning)") }
            if dryRun {
                for event in detection.events { Output.line(event.summaryLine) }
                for line in detection.deliveryLines { Output.line(line) }
                Output.line("dry run: \(detection.events.count) event(s) and \(detection.deliveries) "
                            + "delivery(ies) would be made; nothing recorded or sent")
                return
            }
            if options.logFormat == .json {
                // For log collectors, the summary is one more JSON object, not a line of prose among them.
                var fields: [String: Int] = [
                    "registry_cases": detection.registrySize, "read_anew": detection.casesRead,
                    "events_recorded": detection.events.count, "deliveries_queued": detection.deliveries,
                ]
                if let delivery = report.delivery {
                    fields["sent"] = delivery.delivered
                    fields["retrying"] = delivery.retrying
                    fields["dead"] = delivery.dead
                }
                let data = try JSONSerialization.data(withJSONObject: ["message": "cycle done", "cycle": fields] as [String: Any],
                                                      options: [.sortedKeys])
                Output.line(String(decoding: data, as: UTF8.self))
                return
            }
            var line = "\(detection.registrySize) case(s) in the registry (\(detection.casesRead) read anew), "
                + "\(detection.events.count) new event(s) recorded, "
                + "\(detection.deliveries) delivery(ies) queued"
            if let delivery = report.delivery {
                line += "; sent \(delivery.delivered), retrying \(delivery.retrying), dead \(delivery.dead)"
            }
            Output.line(line)
        }
    }
}

/// A stop asked for by a signal: the signals are taken from their default action (which kills the process at once,
/// mid-transfer) and each sets a flag the delivery lanes read before every new transfer.
final class StopRequest: @unchecked Sendable {  // `requested` is guarded by `lock`
    private let lock = NSLock()
    private var requested = false
    private var sources: [any DispatchSourceSignal] = []

    init(signals: [Int32]) {
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.request() }
            source.resume()
            sources.append(source)
        }
    }

    var isRequested: Bool { lock.withLock { requested } }

    private func request() {
        lock.withLock { requested = true }
    }
}
