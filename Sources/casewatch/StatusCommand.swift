import ArgumentParser

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
            let status = try await options.openStore(configuration).status()
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
            Output.line("unsubscribed from e-mail: \(status.unsubscribed)")
            if status.disabledEndpoints.isEmpty {
                Output.line("disabled webhooks: none")
            }
            for endpoint in status.disabledEndpoints {
                Output.line("disabled webhook: \(endpoint.subscriberID) since \(endpoint.since) (\(endpoint.reason)); "
                            + "enable with: casewatch outbox enable \(endpoint.subscriberID)")
            }
        }
    }
}
