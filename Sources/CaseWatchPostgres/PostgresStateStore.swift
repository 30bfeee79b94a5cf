import CaseWatchModel
import CaseWatchStore
import Foundation
import Logging
import NIOCore
import NIOSSL
import PostgresNIO

/// The store on PostgreSQL, for several CaseWatch nodes sharing one database: the same protocols and the same
/// conformance suite as the embedded SQLite engine.
///
/// The outbox is a queue in the manner of River and graphile-worker: a claim takes the next due entries with
/// `FOR UPDATE SKIP LOCKED` and writes a lease (owner node, expiry) on them; only the lease's owner writes an
/// outcome; a lease that runs out (a node that died) leaves its entries to whichever node claims next.
package final class PostgresStateStore: StateStore, Sendable {
    let client: PostgresClient
    private let runner: Task<Void, Never>
    let logger: Logger
    /// Where the store is, for messages: the URL without its password.
    package let location: String
    package var notices: [String] { [] }
    /// How long a claim holds its entries (`cluster.lease`).
    package let lease: TimeInterval
    /// This node's name (`cluster.node_id`), the owner of its leases.
    package let nodeID: String

    /// - Parameters:
    ///   - url: `postgres://user@host:port/database`, with `?sslmode=…` for TLS, as libpq reads it
    ///     (https://www.postgresql.org/docs/current/libpq-ssl.html):
    ///     `disable` (the default here) never encrypts; `allow` and `prefer` encrypt if the server offers it, without
    ///     checking its certificate; `require` encrypts without checking the certificate (but, as in libpq, checks
    ///     it against the CA when `sslrootcert` is given, like `verify-ca`); `verify-ca` checks the certificate's
    ///     chain but not the host name; `verify-full` checks both. `&sslrootcert=/path/ca.pem` names the CA
    ///     certificates (PEM) to trust; without it, the system's trust store (not libpq's `~/.postgresql/root.crt`).
    ///     `sslrootcert=system` asks for the system's trust store explicitly, and then only `verify-full` is allowed
    ///     (its default). Any other `sslmode` is an error.
    ///   - password: from `state_password_env`; never part of the URL CaseWatch keeps.
    package init(url: String, password: String?, nodeID: String, lease: TimeInterval = 30) async throws {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? ""),
              let host = components.host, !host.isEmpty
        else {
            throw StoreError(.unavailable, "\"\(Self.redacted(url))\" is not a postgres:// URL")
        }
        let location = Self.redacted(url)
        let database = String(components.path.drop(while: { $0 == "/" }))
        let user = components.user ?? "postgres"
        let secret = password ?? components.password
        // The driver's own words cannot hold the password, but make sure.
        func failure(_ error: any Error) -> StoreError {
            let message = "cannot open the store \(location): \(Self.reason(error))"
            guard let secret, !secret.isEmpty else { return StoreError(.unavailable, message) }
            return StoreError(.unavailable, message.replacingOccurrences(of: secret, with: "***"))
        }
        let tls = try Self.tls(components, location: location)
        var logger = Logger(label: "casewatch.postgres")
        logger.logLevel = .critical

        // One connection first, alone: the pool retries a connection that fails until its circuit breaker trips
        // (about a minute) and then says only that. A certificate that does not verify, a server without TLS when
        // TLS is required, a password refused: retrying cannot help, so they fail here, at once and saying why.
        // An unreachable server is left to the pool's retries, as before.
        var probeError: (any Error)?
        do {
            var probe = PostgresConnection.Configuration(
                host: host, port: components.port ?? 5432, username: user, password: secret,
                database: database.isEmpty ? user : database, tls: try tls.connection())
            probe.options.connectTimeout = .seconds(10)
            let connection = try await PostgresConnection.connect(configuration: probe, id: 0, logger: logger)
            try? await connection.close()
        } catch let error as StoreError {
            throw StoreError(error.kind, "\(location): \(error.message)")
        } catch {
            if Self.retryable(error) { probeError = error } else { throw failure(error) }
        }

        var configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: secret,
            database: database.isEmpty ? user : database, tls: tls.client)
        configuration.options.maximumConnections = 16
        configuration.options.connectTimeout = .seconds(10)
        self.logger = logger
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        runner = Task { await client.run() }
        self.location = location
        self.lease = lease
        self.nodeID = nodeID
        do {
            try await PostgresMigrations.apply(client, logger: logger)
        } catch let error as StoreError {
            runner.cancel()
            throw error
        } catch {
            runner.cancel()
            // The pool's own error ("circuit breaker tripped") says less than the first connection's, if that failed.
            throw failure((error as? PSQLError)?.serverInfo == nil ? probeError ?? error : error)
        }
    }

    /// Whether a failed connection may succeed if tried again: the server was not reached (refused, timed out,
    /// closed before answering). A server's own refusal and anything of TLS are final.
    static func retryable(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError else { return !(error is NIOSSLError || error is BoringSSLError) }
        if error.serverInfo != nil || error.code == .sslUnsupported || error.code == .failedToAddSSLHandler {
            return false
        }
        if let underlying = error.underlying { return retryable(underlying) }
        return true
    }

    /// How to speak TLS to the server, for the pool and for a single connection.
    struct TLSMode {
        enum Use { case disable, prefer, require }
        let use: Use
        let configuration: TLSConfiguration

        var client: PostgresClient.Configuration.TLS {
            switch use {
            case .disable: .disable
            case .prefer: .prefer(configuration)
            case .require: .require(configuration)
            }
        }

        func connection() throws -> PostgresConnection.Configuration.TLS {
            if use == .disable { return .disable }
            let context: NIOSSLContext
            do {
                context = try NIOSSLContext(configuration: configuration)
            } catch {
                throw StoreError(.unavailable, "cannot set up TLS: \(error)")
            }
            return use == .prefer ? .prefer(context) : .require(context)
        }
    }

    /// TLS as `sslmode` and `sslrootcert` in the URL's query ask for it, the way libpq reads them.
    static func tls(_ components: URLComponents, location: String) throws -> TLSMode {
        func parameter(_ name: String) -> String? { components.queryItems?.first { $0.name == name }?.value }
        let rootCertificate = parameter("sslrootcert")
        let systemRoots = rootCertificate == "system"
        let sslmode = parameter("sslmode") ?? (systemRoots ? "verify-full" : "disable")
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let rootCertificate, !systemRoots {
            guard !rootCertificate.isEmpty else {
                throw StoreError(.unavailable, "\(location): sslrootcert is empty (a CA certificate file is expected)")
            }
            // Read it now, so that a missing or unreadable file is said plainly here rather than on every connection.
            do {
                guard !(try NIOSSLCertificate.fromPEMFile(rootCertificate)).isEmpty else {
                    throw StoreError(.unavailable, "no certificate in it")
                }
            } catch {
                let why = (error as? StoreError)?.message ?? "\(error)"
                throw StoreError(.unavailable, "\(location): sslrootcert \"\(rootCertificate)\" cannot be used: \(why)")
            }
            configuration.trustRoots = .file(rootCertificate)
        }
        if systemRoots, sslmode != "verify-full" {
            throw StoreError(.unavailable,
                             "\(location): sslrootcert=system needs sslmode=verify-full, not sslmode=\(sslmode)")
        }
        switch sslmode {
        case "disable":
            return TLSMode(use: .disable, configuration: configuration)
        case "allow", "prefer":
            configuration.certificateVerification = .none
            return TLSMode(use: .prefer, configuration: configuration)
        case "require":
            // libpq: "if a root CA file exists, the behavior of sslmode=require will be the same as that of verify-ca".
            configuration.certificateVerification = rootCertificate == nil ? .none : .noHostnameVerification
            return TLSMode(use: .require, configuration: configuration)
        case "verify-ca":
            configuration.certificateVerification = .noHostnameVerification
            return TLSMode(use: .require, configuration: configuration)
        case "verify-full":
            configuration.certificateVerification = .fullVerification
            return TLSMode(use: .require, configuration: configuration)
        default:
            throw StoreError(.unavailable, "\(location): unknown sslmode \"\(sslmode)\" "
                             + "(disable, allow, prefer, require, verify-ca or verify-full)")
        }
    }

    deinit {
        runner.cancel()
    }

    /// The URL without a password.
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = nil
        return components.string ?? url
    }

    static func reason(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            // A connection that failed (a refused port, a certificate that does not verify) says why underneath.
            if let underlying = error.underlying { return "\(error.code) (\(underlying))" }
            return "\(error.code)"
        }
        return "\(error)"
    }

    /// Runs `body`, with the driver's errors as ``StoreError``.
    func run<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StoreError {
            throw error
        } catch let error as PSQLError {
            throw StoreError(.failed, "the store \(location): \(Self.reason(error))")
        }
    }

    /// A transaction; the driver's errors as ``StoreError``.
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await run {
                try await client.withTransaction(logger: logger) { connection in try await body(connection) }
            }
        } catch let error as PostgresTransactionError {
            // The closure's own error (a plan that cannot build a message) passes through as it is.
            if let closureError = error.closureError {
                if let driver = closureError as? PSQLError {
                    throw StoreError(.failed, "the store \(location): \(Self.reason(driver))")
                }
                throw closureError
            }
            let cause: (any Error)? = error.beginError ?? error.commitError ?? error.rollbackError
            throw StoreError(.failed, "the store \(location): " + (cause.map(Self.reason) ?? "the transaction failed"))
        }
    }

    /// Rows of `query`, collected.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await run {
            var rows: [PostgresRow] = []
            for try await row in try await client.query(query, logger: logger) { rows.append(row) }
            return rows
        }
    }

    /// Runs `query` for its effect.
    func execute(_ query: PostgresQuery) async throws {
        try await run { _ = try await client.query(query, logger: logger).collect() }
    }

    /// For a delivery lane's own thread, which may block: waits for `body`, run on the cooperative pool.
    func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        return try box.result!.get()
    }

    package func integrityProblems() async throws -> [String] {
        _ = try await rows("SELECT 1")
        return []
    }
}

/// Hands a result from a task to the thread that waits for it.
final class ResultBox<T: Sendable>: @unchecked Sendable {  // written once by the task, read after the semaphore
    var result: Result<T, any Error>?
}

extension PostgresConnection {
    /// Rows of `query`, collected.
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        var rows: [PostgresRow] = []
        for try await row in try await self.query(query, logger: logger) { rows.append(row) }
        return rows
    }

    func execute(_ query: PostgresQuery, logger: Logger) async throws {
        _ = try await self.query(query, logger: logger).collect()
    }
}
