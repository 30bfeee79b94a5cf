import Foundation

/// A throw-away PostgreSQL server (`Tests/Peers/postgres_peer.py`, Debian's `postgresql`) on 127.0.0.1.
///
/// A fresh cluster in a temporary directory, removed when the server stops. The superuser `postgres` connects
/// without a password unless one is given. Tests share `shared` and each takes a database of its own with
/// `createDatabase()`. A server of one's own with `tls: true` also speaks TLS, with a certificate for 127.0.0.1 and
/// localhost signed by a CA made for it (`caFile`).
package final class PostgresServer: @unchecked Sendable {
    package let peer: PeerProcess
    /// The `postgres` user's password, required over TCP (scram-sha-256); nil when none is (trust).
    package let password: String?
    /// The CA certificate (PEM) that signed the server's certificate, when it was started with `tls`; nil otherwise.
    /// Plain connections are still accepted by a TLS server: the client chooses (`sslmode`).
    package let caFile: String?

    /// One server for the whole test process, started on first use (a `static let` is initialised lazily, once,
    /// thread-safely). Nothing deinitialises it: the peer stops itself when the test process exits
    /// (`--stop-with-parent`), its lifetime being only the last safety net.
    package static let shared: PostgresServer = {
        do {
            return try PostgresServer(lifetime: 6 * 60 * 60)
        } catch {
            fatalError("the shared PostgreSQL test server did not start: \(error)")
        }
    }()

    /// - Parameters:
    ///   - password: the `postgres` user's password; without it, connections need none.
    ///   - lifetime: seconds after which the peer stops itself (the peers' default, 1800, when nil).
    ///   - tls: serve TLS too (`postgres_peer.py --tls`), the CA's certificate in `caFile`.
    package init(password: String? = nil, lifetime: TimeInterval? = nil, tls: Bool = false) throws {
        let directory = try TemporaryDirectory("casewatch-postgres")
        // Run as root, the server runs as the `postgres` system user, which must reach its data directory in here.
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
        var arguments = ["--dir", directory.path, "--stop-with-parent"]
        if let password { arguments += ["--password", password] }
        if let lifetime { arguments += ["--lifetime", String(lifetime)] }
        // In the server's own temporary directory, so it goes when the server does.
        let caFile = tls ? directory.url.appendingPathComponent("ca.pem").path : nil
        if let caFile { arguments += ["--tls", "--ca-file", caFile] }
        peer = try PeerProcess("postgres_peer.py", arguments: arguments, directory: directory)
        self.password = password
        self.caFile = caFile
    }

    package var port: Int { peer.port }

    /// `postgres://postgres@127.0.0.1:PORT/DATABASE`, with the password (percent-encoded) if the server has one.
    package func url(database: String) -> String {
        var user = "postgres"
        if let password {
            user += ":" + (password.addingPercentEncoding(withAllowedCharacters: .urlPasswordAllowed) ?? password)
        }
        return "postgres://\(user)@127.0.0.1:\(port)/\(database)"
    }

    /// Makes a new, empty database with a name no other test uses (`casewatch_` and 32 hex digits), and returns
    /// the name.
    package func createDatabase() throws -> String {
        let name = "casewatch_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try psql("CREATE DATABASE \(name)")
        return name
    }

    /// psql failed: its exit status (nil if it was killed for taking too long) and what it wrote on stderr.
    package struct PSQLError: Error, CustomStringConvertible {
        package let sql: String
        package let status: Int32?
        package let stderr: String
        package var description: String {
            let outcome = status.map { "exited with status \($0)" } ?? "took too long and was killed"
            return "psql \(outcome) on `\(sql)`: \(stderr)"
        }
    }

    /// Runs `sql` with `/usr/bin/psql` as `postgres` over TCP, stopping at the first error, and returns what it
    /// printed (unaligned, tuples only: a line per row, columns joined by `|`). On a TLS server, over TLS with the
    /// server's certificate verified against `caFile` (`sslmode=verify-full`).
    /// psql is killed if it has not finished within `timeout` seconds.
    @discardableResult
    package func psql(_ sql: String, database: String = "postgres", timeout: TimeInterval = 60) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = ["-X", "-q", "-A", "-t", "-h", "127.0.0.1", "-p", String(port), "-U", "postgres",
                             "-d", database, "-v", "ON_ERROR_STOP=1", "-c", sql]
        // The caller's PGHOST, PGDATABASE… must not steer it.
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") }
        environment["PGCONNECT_TIMEOUT"] = "10"
        if let password { environment["PGPASSWORD"] = password }
        if let caFile {
            environment["PGSSLMODE"] = "verify-full"
            environment["PGSSLROOTCERT"] = caFile
        }
        process.environment = environment
        // Files rather than pipes: psql can never block on a full pipe while we wait for it.
        let base = peer.directory.url.appendingPathComponent("psql-\(UUID().uuidString.prefix(8))")
        let out = base.appendingPathExtension("stdout"), err = base.appendingPathExtension("stderr")
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(5_000) }
        let timedOut = process.isRunning
        if timedOut { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let stdout = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        guard !timedOut, process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw PSQLError(sql: sql, status: timedOut ? nil : process.terminationStatus,
                            stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
        }
        return stdout
    }

    /// Stops the server by its peer's PID and waits for it; the peer stops postgres and deletes the cluster.
    package func stop() { peer.stop() }

    deinit {
        peer.stop()
    }
}
