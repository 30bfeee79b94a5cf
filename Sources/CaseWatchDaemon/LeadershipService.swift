import CaseWatchStore
import Foundation
import Logging
import ServiceLifecycle

/// One detector among the nodes sharing a PostgreSQL store: every third of `cluster.lease` the node says it is
/// alive and renews the detector's lease, or takes it over when its holder has stopped renewing it (a dead leader
/// is replaced within the lease). The cycle asks again before detecting, so a lost lease stops detection at once.
/// On a graceful stop the node gives the lease back, so another leads without waiting for it to run out.
struct LeadershipService: Service {
    let live: LiveInputs
    let store: any StateStore
    let logger: Logger

    func run() async throws {
        var leading: Bool?
        while !Task.isShuttingDownGracefully {
            let configuration = await live.configuration
            do {
                let leadership = try await store.lead(node: configuration.nodeID, configDigest: configuration.digest,
                                                      ttl: configuration.cluster.lease, now: Date())
                if leadership.leads != leading {
                    if leadership.leads {
                        logger.notice("leading detection", metadata: ["node": "\(configuration.nodeID)"])
                    } else {
                        logger.notice("following", metadata: [
                            "node": "\(configuration.nodeID)", "leader": "\(leadership.leader ?? "none")",
                        ])
                    }
                    if let refusal = leadership.refusal { logger.error("not leading detection: \(refusal)") }
                    leading = leadership.leads
                }
            } catch {
                logger.warning("cannot renew the node's lease", metadata: ["error": "\(error)"])
            }
            do {
                try await cancelWhenGracefulShutdown {
                    try await Task.sleep(for: .seconds(max(0.2, configuration.cluster.lease / 3)))
                }
            } catch {
                break
            }
        }
        let node = await live.configuration.nodeID
        do {
            try await store.resign(node: node)
            logger.notice("gave the detector's lease back", metadata: ["node": "\(node)"])
        } catch {
            logger.warning("cannot give the detector's lease back; it runs out by itself", metadata: ["error": "\(error)"])
        }
    }
}
