import ArgumentParser
import CaseWatchApp
import Foundation

/// `casewatch status`: the registry, the last cycle, the queue, dead letters and disabled endpoints.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show registry size, last cycle, queue depth, dead letters and disabled endpoints."
    )

    @OptionGroup var options: GlobalOptions

    @Flag(name: .long, help: "One JSON object.")
    var json = false

    func run() async throws {
        let configuration = try options.loadConfiguration()
        try await Output.guarding {
            let store = try await options.openStore(configuration)
            let status = try await StatusReport.read(configuration: configuration, store: store, now: Date())
            if json {
                try Output.jsonLine(status)
                return
            }
            Output.line("registry: \(status.registrySize) case(s), \(status.events) event(s) detected")
            if let cycle = status.lastCycle {
                Output.line("last cycle: \(cycle.finishedAt) (\(cycle.cases) case(s), \(cycle.events) new event(s))")
            } else {
                Output.line("last cycle: none yet")
            }
            Output.line("queue: \(status.queueDepth) waiting, \(status.delivered) delivered, "
                        + "\(status.deadLetters) dead letter(s)")
            if let nodes = status.nodes {
                let leader = nodes.first(where: \.leads)?.id ?? "none (the next node to renew its lease takes over)"
                Output.line("nodes: \(nodes.count) live, leader: \(leader)")
                for node in nodes {
                    Output.line("node \(node.id): seen \(node.seenAt), \(node.leasesHeld) lease(s) held"
                                + (node.leads ? ", leads detection" : "")
                                + (node.configDigest.map { ", configuration \($0)" } ?? ""))
                }
            }
            Output.line("unsubscribed from e-mail: \(status.unsubscribed)")
            if status.disabledEndpoints.isEmpty {
                Output.line("disabled endpoints: none")
            }
            for endpoint in status.disabledEndpoints {
                Output.line("disabled \(endpoint.channel.rawValue): \(endpoint.subscriberID) since \(endpoint.since) (\(endpoint.reason)); "
                            + "enable with: casewatch outbox enable \(endpoint.subscriberID)")
            }
        }
    }
}
