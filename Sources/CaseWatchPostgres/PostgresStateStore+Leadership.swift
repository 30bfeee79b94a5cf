import CaseWatchModel
import CaseWatchStore
import Foundation
import PostgresNIO

/// One detector at a time: a lease row (`leadership`, role `detector`) that the leader renews and any node takes
/// once it has run out; every node records that it is alive (`node`) with a digest of its configuration.
extension PostgresStateStore {
    package func lead(node: String, configDigest: String, ttl: TimeInterval, now: Date) async throws -> Leadership {
        let at = now.timeIntervalSince1970
        let logger = self.logger
        return try await transaction { connection -> Leadership in
            try await connection.execute("""
                INSERT INTO node (id, started_at, seen_at, config_digest)
                VALUES (\(node), \(Timestamp.iso8601(now)), \(at), \(configDigest))
                ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at, config_digest = excluded.config_digest
                """, logger: logger)
            // Serialises the nodes' attempts, so that two never both take an expired lease.
            try await connection.execute("SELECT pg_advisory_xact_lock(727275)", logger: logger)
            let current = try await connection.rows("""
                SELECT node, until, config_digest FROM leadership WHERE role = 'detector'
                """, logger: logger).first.map { try $0.decode((String, Double, String?).self) }
            if let current, current.0 != node, current.1 >= at {
                return Leadership(leads: false, leader: current.0)
            }
            if let current, current.0 != node, current.2 != configDigest {
                // The lease was last taken with another configuration or registry: this node does not lead until
                // it has the same (a node with a stale registry must never retract cases), unless that leader gave
                // the lease back, which deletes the row.
                let alive = try await connection.rows("""
                    SELECT 1 FROM node WHERE id = \(current.0) AND seen_at >= \(at - 3 * ttl)
                    """, logger: logger).isEmpty == false
                return Leadership(leads: false, leader: current.1 >= at ? current.0 : nil, refusal:
                    "this node's configuration or registry differs from the one the leader \(current.0) recorded "
                    + " (recorded \(current.2 ?? "none"), this node \(configDigest))"
                    + (alive ? "" : "; that node stopped without giving its lease back")
                    + ": it does not lead detection until it reads the same configuration and registry")
            }
            try await connection.execute("""
                INSERT INTO leadership (role, node, until, config_digest)
                VALUES ('detector', \(node), \(at + ttl), \(configDigest))
                ON CONFLICT (role) DO UPDATE SET node = excluded.node, until = excluded.until,
                    config_digest = excluded.config_digest
                """, logger: logger)
            return Leadership(leads: true, leader: node)
        }
    }

    package func nodes(now: Date, ttl: TimeInterval) async throws -> [ClusterNode] {
        let at = now.timeIntervalSince1970
        let leader = try await rows("SELECT node FROM leadership WHERE role = 'detector' AND until >= \(at)")
            .first?.decode(String.self)
        return try await rows("""
            SELECT n.id, n.seen_at, n.config_digest,
                (SELECT count(*) FROM outbox o WHERE o.lease_until >= \(at)
                    AND left(o.lease_owner, length(n.id) + 1) = n.id || '/')::bigint
            FROM node n WHERE n.seen_at >= \(at - 3 * ttl) ORDER BY n.id
            """).map { row in
            let (id, seen, digest, held) = try row.decode((String, Double, String?, Int64).self)
            return ClusterNode(id: id, seenAt: Timestamp.iso8601(Date(timeIntervalSince1970: seen)), configDigest: digest,
                               leads: id == leader, leasesHeld: Int(held))
        }.sorted { ($0.leads ? 0 : 1, $0.id) < ($1.leads ? 0 : 1, $1.id) }
    }

    package func resign(node: String) async throws {
        try await execute("DELETE FROM leadership WHERE role = 'detector' AND node = \(node)")
    }
}
