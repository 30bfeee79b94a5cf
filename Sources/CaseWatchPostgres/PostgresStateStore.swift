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
    ///   - url: `postgres://user@host:port/database`, with `?sslmode=require` (or `verify-full`) for TLS.
    ///   - password: from `state_password_env`; never part of the URL CaseWatch keeps.
    package init(url: String, password: String?, nodeID: String, lease: TimeInterval = 30) async throws {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? ""),
              let host = components.host, !host.isEmpty
        else {
            throw StoreError(.unavailable, "\"\(Self.redacted(url))\" is not a postgres:// URL")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        let user = components.user ?? "postgres"
        let sslmode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        let tls: PostgresClient.Configuration.TLS
        switch sslmode {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer(.makeClientConfiguration())
        default: tls = .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: password ?? components.password,
            database: database.isEmpty ? user : database, tls: tls)
        configuration.options.maximumConnections = 16
        configuration.options.connectTimeout = .seconds(10)
        var logger = Logger(label: "casewatch.postgres")
        logger.logLevel = .critical
        self.logger = logger
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        runner = Task { await client.run() }
        location = Self.redacted(url)
        self.lease = lease
        self.nodeID = nodeID
        do {
            try await PostgresMigrations.apply(client, logger: logger)
        } catch let error as StoreError {
            runner.cancel()
            throw error
        } catch {
            runner.cancel()
            throw StoreError(.unavailable, "cannot open the store \(location): \(Self.reason(error))")
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
