import CaseWatchTesting
import Foundation
import Testing

/// Several `casewatch serve` nodes on one real PostgreSQL, as an organisation runs them for a network of partners:
/// one configuration per node (differing only in `cluster.node_id` and `http.listen`), one database, one registry.
@Suite("Several nodes on one PostgreSQL", .serialized)
struct ClusterTests {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    /// A cluster's shared files and database; nodes started with `start`.
    final class Cluster: @unchecked Sendable {  // used from one test's thread
        let directory: TemporaryDirectory
        let server = PostgresServer.shared
        let database: String
        let lease: Int
        let casewatch: CommandRunner
        private(set) var nodes: [String: Node] = [:]

        struct Node {
            let name: String
            let process: Process
            let logs: URL

            func log() -> String { (try? String(contentsOf: logs, encoding: .utf8)) ?? "" }
        }

        /// - Parameter subscribers: that many webhook subscribers, every one following every case.
        init(subscribers: Int, receiver: HTTPReceiver, lease: Int = 3) throws {
            directory = try TemporaryDirectory("casewatch-cluster")
            try RepositoryFiles.copy(["registry", "templates"], into: directory)
            database = try server.createDatabase()
            self.lease = lease
            for index in 0..<subscribers {
                try directory.write("subscribers/partner-\(index).yaml", """
                    id: partner-\(index)
                    name: Partner \(index)
                    language: en
                    webhook: {url: "\(receiver.url)/hook/\(index)", secret_env: HOOK}

                    """)
            }
            casewatch = CommandRunner(directory: directory.url,
                                      environment: ["HOOK": ClusterTests.secret, "CASEWATCH_TOKEN_SECRET": "cluster-test"])
        }

        /// A configuration on `state`: the cluster's settings, and a node's own name and HTTP port when given.
        func configuration(state: String, node: String? = nil) -> String {
            var text = """
                state: \(state)
                registry:
                  sources: [{path: registry/}]
                email: {transport: file, directory: var/mail, from: "CaseWatch <alerts@example.org>"}
                webhooks: {transport: http, timeout: 10s}
                network: {allow_private: [127.0.0.0/8]}
                delivery: {concurrency: 2, retry: [1s, 1s]}
                schedule: {interval: 1s, reminders: [7d, 1d]}

                """
            if let node {
                text += """
                    http:
                      listen: 127.0.0.1:\(FreePort.next())
                      base_url: https://alerts.example.org
                      token_secret_env: CASEWATCH_TOKEN_SECRET
                    cluster: {node_id: \(node), lease: \(lease)s}

                    """
            }
            return text
        }

        /// The node's own configuration file: the cluster's, with its name and its HTTP port.
        @discardableResult
        func configure(_ name: String) throws -> String {
            let file = "node-\(name).yml"
            _ = try directory.write(file, configuration(state: server.url(database: database), node: name))
            return file
        }

        func start(_ name: String) throws {
            let file = try configure(name)
            let logs = directory.url.appendingPathComponent("\(name).log")
            let process = try casewatch.start(["serve", "--config", file],
                                              stdout: directory.url.appendingPathComponent("\(name).out"), stderr: logs)
            nodes[name] = Node(name: name, process: process, logs: logs)
        }

        /// `casewatch status --json` as node `name` sees it.
        func status(_ name: String) throws -> [String: Any] {
            let result = try casewatch.run(["status", "--json", "--config", "node-\(name).yml"])
            return (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]) ?? [:]
        }

        /// The leader and each live node's leases, from `status`.
        func leader(asSeenBy name: String) throws -> String? {
            let nodes = try status(name)["nodes"] as? [[String: Any]] ?? []
            return nodes.first { $0["leads"] as? Bool == true }?["id"] as? String
        }

        func sql(_ query: String) throws -> String {
            try server.psql(query, database: database).trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// Adds `count` new cases to the registry (each one `case.added` for every subscriber).
        func addCases(_ names: [String]) throws {
            let template = try directory.read("registry/sova-center-liquidation.yaml")
            for name in names {
                try directory.write("registry/\(name).yaml",
                                    template.replacingOccurrences(of: "id: sova-center-liquidation", with: "id: \(name)"))
            }
        }

        func kill9(_ name: String) {
            guard let node = nodes[name] else { return }
            kill(node.process.processIdentifier, SIGKILL)
            node.process.waitUntilExit()
        }

        /// Stops every node still running (SIGTERM, then SIGKILL after 20 s).
        func stop() {
            for node in nodes.values where node.process.isRunning {
                kill(node.process.processIdentifier, SIGTERM)
            }
            let deadline = Date().addingTimeInterval(20)
            for node in nodes.values {
                while node.process.isRunning, Date() < deadline { usleep(50_000) }
                if node.process.isRunning { kill(node.process.processIdentifier, SIGKILL) }
                node.process.waitUntilExit()
            }
        }
    }

    /// Waits (bounded) until `condition` holds.
    static func wait(_ seconds: Double, until condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(100_000)
        }
        return try condition()
    }

    @Test("three nodes deliver 1,000 webhooks while one is killed with kill -9: every webhook-id arrives, duplicates only from the killed node's claims in flight, every change detected and enqueued once")
    func killedNode() throws {
        // Each answer takes a little while, so the kill finds transfers in flight.
        let receiver = try HTTPReceiver(script: Array(repeating: "204 sleep=0.02", count: 1_200))
        let cluster = try Cluster(subscribers: 40, receiver: receiver)
        defer { cluster.stop() }
        for name in ["a", "b", "c"] { try cluster.start(name) }
        // The first cycle, on whichever node leads, is the silent first sync.
        #expect(try Self.wait(30) { try cluster.status("a")["last_cycle"] != nil })
        let cases = (1...25).map { "cluster-case-\($0)" }
        try cluster.addCases(cases)
        #expect(try Self.wait(60) { try receiver.requests().count >= 150 })
        // Kill a node that holds claims right now (the one most likely to have transfers in flight).
        let nodes = try cluster.status("a")["nodes"] as? [[String: Any]] ?? []
        #expect(nodes.count == 3)
        let victim = nodes.max { ($0["leases_held"] as? Int ?? 0) < ($1["leases_held"] as? Int ?? 0) }?["id"] as? String ?? "b"
        cluster.kill9(victim)
        usleep(300_000)
        let receivedBeforeKill = try receiver.requests().count
        let expected = 25 * 40
        #expect(try Self.wait(120) { Set(try receiver.requests().compactMap { $0.headers["webhook-id"] }).count >= expected })
        let requests = try receiver.requests()
        let ids = requests.compactMap { $0.headers["webhook-id"] }
        #expect(Set(ids).count == expected)
        // Each duplicate is one the killed node sent and never recorded: its first copy left before the kill, and
        // there are at most its lanes' unrecorded outcomes (2 lanes, 32 outcomes per write, one transfer each).
        var firstSeen: [String: Int] = [:]
        var duplicates: [String] = []
        for (index, id) in ids.enumerated() {
            if firstSeen[id] == nil { firstSeen[id] = index } else { duplicates.append(id) }
        }
        #expect(duplicates.count <= 2 * 33, "\(duplicates.count) duplicates")
        for id in duplicates { #expect(firstSeen[id]! < receivedBeforeKill, "\(id) was sent twice by live nodes") }
        // Every change detected and enqueued once, every delivery recorded as delivered.
        #expect(try cluster.sql("SELECT count(*) FROM event WHERE type = 'case.added'") == "25")
        #expect(try cluster.sql("SELECT count(DISTINCT case_id) FROM event WHERE type = 'case.added'") == "25")
        #expect(try cluster.sql("SELECT count(*) FROM outbox WHERE channel = 'webhook'") == "\(expected)")
        #expect(try Self.wait(30) { try cluster.sql("SELECT count(*) FROM outbox WHERE state = 'delivered'") == "\(expected)" })
        // The survivors share the work and stop cleanly; the killed node is gone.
        for name in ["a", "b", "c"] where name != victim {
            #expect(cluster.nodes[name]?.process.isRunning == true, "\(name): \(cluster.nodes[name]?.log() ?? "")")
        }
    }

    @Test("the leader killed: another node leads within the lease, the next change is announced once, and a run --once beside them takes part as one more node")
    func leaderFailover() throws {
        let receiver = try HTTPReceiver()
        let cluster = try Cluster(subscribers: 3, receiver: receiver)
        defer { cluster.stop() }
        for name in ["a", "b"] { try cluster.start(name) }
        #expect(try Self.wait(30) { try cluster.status("a")["last_cycle"] != nil && cluster.leader(asSeenBy: "a") != nil })
        let leader = try #require(try cluster.leader(asSeenBy: "a"))
        let other = leader == "a" ? "b" : "a"
        cluster.kill9(leader)
        let killedAt = Date()
        #expect(try Self.wait(Double(cluster.lease) * 3) { try cluster.leader(asSeenBy: other) == other })
        let takeover = Date().timeIntervalSince(killedAt)
        // The lease runs out `lease` after the last renewal, and the follower asks every third of it.
        #expect(takeover <= Double(cluster.lease) * 4 / 3 + 1.5, "took \(takeover) s")
        #expect(try Self.wait(5) { cluster.nodes[other]!.log().contains("leading detection") })

        try cluster.addCases(["after-failover"])
        #expect(try Self.wait(30) { try receiver.requests().count >= 3 })
        usleep(3_000_000)  // anything sent twice would have arrived by now
        let requests = try receiver.requests()
        #expect(requests.count == 3)
        #expect(Set(requests.compactMap { $0.headers["webhook-id"] }).count == 3)
        #expect(Set(requests.map(\.path)) == ["/hook/0", "/hook/1", "/hook/2"])
        #expect(try cluster.sql("SELECT count(*) FROM event WHERE case_id = 'after-failover'") == "1")

        // A cron run beside the nodes: one more node for one cycle, which does not lead while one does.
        try cluster.configure("cron")
        let run = try cluster.casewatch.run(["run", "--once", "--config", "node-cron.yml"])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.stdout.contains("not leading detection (leader: \(other))"), "\(run.output)")
        #expect(try cluster.sql("SELECT count(*) FROM event WHERE case_id = 'after-failover'") == "1")

        // A node stopped gracefully gives the lease back at once.
        kill(cluster.nodes[other]!.process.processIdentifier, SIGTERM)
        cluster.nodes[other]!.process.waitUntilExit()
        #expect(cluster.nodes[other]!.process.terminationStatus == 0)
        #expect(try cluster.sql("SELECT count(*) FROM leadership") == "0")
    }

    @Test("migrate copies a SQLite store with a delivery waiting for its retry into PostgreSQL, verifies it, and the node carries on delivering it with the same webhook-id")
    func migrateAndDeliver() throws {
        let receiver = try HTTPReceiver(script: ["503"])
        let cluster = try Cluster(subscribers: 1, receiver: receiver)
        try cluster.directory.write("casewatch.yml", cluster.configuration(state: "var/casewatch.sqlite"))
        #expect(try cluster.casewatch.run(["run", "--once"]).status == 0)  // the first sync
        try cluster.addCases(["before-migration"])
        let first = try cluster.casewatch.run(["run", "--once"])
        #expect(first.stdout.contains("retrying 1"), "\(first.output)")
        let failed = try #require(try receiver.requests().first)
        #expect(failed.status == 503)

        let migrate = try cluster.casewatch.run(["migrate", "--to", cluster.server.url(database: cluster.database)])
        #expect(migrate.status == 0, "\(migrate.output)")
        #expect(migrate.stdout.contains("outbox: 1 row(s) copied"), "\(migrate.stdout)")
        #expect(migrate.stdout.contains("verified"))
        #expect(try cluster.sql("SELECT count(*) FROM case_snapshot") == "30")
        #expect(try cluster.sql("SELECT state || ' ' || attempts FROM outbox") == "retrying 1")
        // A second copy into the same database is refused: it is not empty any more.
        let again = try cluster.casewatch.run(["migrate", "--to", cluster.server.url(database: cluster.database)])
        #expect(again.status != 0)
        #expect(again.stderr.contains("not empty"), "\(again.output)")
        // A password in the URL is refused before anything is read.
        let inline = try cluster.casewatch.run(["migrate", "--to", "postgres://postgres:secret@127.0.0.1:1/x"])
        #expect(inline.status != 0 && !inline.output.contains("secret@"))

        // The node now runs on PostgreSQL: the retry leaves with the same webhook-id, and nothing is announced anew.
        try cluster.configure("migrated")
        usleep(1_200_000)  // the retry's 1 s
        let second = try cluster.casewatch.run(["run", "--once", "--config", "node-migrated.yml"])
        #expect(second.status == 0, "\(second.output)")
        #expect(second.stdout.contains("0 new event(s)"), "\(second.stdout)")
        let requests = try receiver.requests()
        #expect(requests.count == 2)
        #expect(requests.last?.status == 204)
        #expect(requests.last?.headers["webhook-id"] == failed.headers["webhook-id"])
        #expect(try cluster.sql("SELECT state || ' ' || attempts FROM outbox") == "delivered 2")
        #expect(try cluster.sql("SELECT count(*) FROM attempt") == "2")
    }
}
