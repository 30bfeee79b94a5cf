@testable import CaseWatchPostgres
import CaseWatchStore
import CaseWatchTesting
import Foundation
import Testing

/// `sslmode` and `sslrootcert` in a `postgres://` URL mean what libpq says they mean
/// (https://www.postgresql.org/docs/current/libpq-ssl.html), against a real server that speaks TLS with a certificate
/// for 127.0.0.1 and localhost signed by a CA made for it (not in the system's trust store).
@Suite("PostgreSQL over TLS")
struct PostgresTLSTests {
    /// Runs `body` against a TLS server of its own, stopped at the end. The server starts on a thread of its own:
    /// its launcher waits for it by polling, which must not hold one of the few threads of the cooperative pool.
    static func withServer(password: String? = nil,
                           _ body: (PostgresServer) async throws -> Void) async throws {
        let server = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<PostgresServer, any Error>) in
            Thread { continuation.resume(with: Result { try PostgresServer(password: password, lifetime: 600, tls: true) }) }
                .start()
        }
        defer { server.stop() }
        #expect(server.caFile.map { FileManager.default.fileExists(atPath: $0) } == true)
        try await body(server)
    }

    /// `postgres://postgres@127.0.0.1:PORT/DATABASE?QUERY` on a fresh database, without the password.
    static func url(_ server: PostgresServer, host: String = "127.0.0.1", _ query: String) throws -> String {
        "postgres://postgres@\(host):\(server.port)/\(try server.createDatabase())?\(query)"
    }

    /// Whether the store's own connection is encrypted, as the server sees it.
    static func encrypted(_ store: PostgresStateStore) async throws -> Bool {
        let rows = try await store.rows("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        try #require(rows.count == 1)
        return try rows[0].decode(Bool.self)
    }

    /// The CA file's path, percent-encoded for a URL's query.
    static func query(_ path: String) -> String {
        path.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+")))
            ?? path
    }

    @Test("verify-full with the server's CA connects, and the connection is encrypted")
    func verifyFull() async throws {
        try await Self.withServer { server in
            let ca = try #require(server.caFile)
            let store = try await PostgresStateStore(
                url: try Self.url(server, "sslmode=verify-full&sslrootcert=\(Self.query(ca))"), password: nil, nodeID: "tls")
            #expect(try await Self.encrypted(store))
            // The same server seen from libpq (psql with sslmode=verify-full and the CA): encrypted too.
            #expect(try server.psql("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
                .trimmingCharacters(in: .whitespacesAndNewlines) == "t")
            // By name as well: the certificate names localhost beside 127.0.0.1.
            let byName = try await PostgresStateStore(
                url: try Self.url(server, host: "localhost", "sslmode=verify-full&sslrootcert=\(Self.query(ca))"),
                password: nil, nodeID: "tls")
            #expect(try await Self.encrypted(byName))
        }
    }

    @Test("verify-ca with the server's CA connects encrypted; disable connects in clear on the same server")
    func verifyCAAndDisable() async throws {
        try await Self.withServer { server in
            let ca = try #require(server.caFile)
            let verified = try await PostgresStateStore(
                url: try Self.url(server, "sslmode=verify-ca&sslrootcert=\(Self.query(ca))"), password: nil, nodeID: "tls")
            #expect(try await Self.encrypted(verified))
            // The check above can tell: a plain connection to the same server is seen as one.
            let plain = try await PostgresStateStore(url: try Self.url(server, "sslmode=disable"), password: nil,
                                                     nodeID: "tls")
            #expect(try await Self.encrypted(plain) == false)
        }
    }

    @Test("require encrypts without checking the certificate: no CA needed")
    func requireMode() async throws {
        try await Self.withServer { server in
            let store = try await PostgresStateStore(url: try Self.url(server, "sslmode=require"), password: nil,
                                                     nodeID: "tls")
            #expect(try await Self.encrypted(store))
        }
    }

    @Test("on a server with a password: verify-full without sslrootcert fails (a self-signed CA is not in the system's store), and neither the password nor a wrong one appears in the errors")
    func verifyFullWithoutCA() async throws {
        let password = "tls-\(UUID().uuidString.prefix(8))-secret"
        try await Self.withServer(password: password) { server in
            // With the right password and CA, the password-protected server takes the connection over TLS.
            let ca = try #require(server.caFile)
            let store = try await PostgresStateStore(
                url: try Self.url(server, "sslmode=verify-full&sslrootcert=\(Self.query(ca))"), password: password,
                nodeID: "tls")
            #expect(try await Self.encrypted(store))

            // Without the CA, refused; the password given both ways (in the URL and beside it) appears nowhere.
            let withPassword = server.url(database: try server.createDatabase()) + "?sslmode=verify-full"
            #expect(withPassword.contains(password))
            for (url, given) in [(withPassword, nil), (try Self.url(server, "sslmode=verify-full"), password)] {
                let error = await #expect(throws: StoreError.self) {
                    _ = try await PostgresStateStore(url: url, password: given, nodeID: "tls")
                }
                let message = try #require(error).message
                #expect(!message.contains(password), "\(message)")
                #expect(message.lowercased().contains("certificate"), "\(message)")
            }

            // A wrong password over verified TLS: the server's refusal, at once, without the password tried.
            let wrong = "wrong-\(UUID().uuidString.prefix(8))"
            let refused = await #expect(throws: StoreError.self) {
                _ = try await PostgresStateStore(url: try Self.url(server, "sslmode=verify-full&sslrootcert=\(Self.query(ca))"),
                                                 password: wrong, nodeID: "tls")
            }
            let message = try #require(refused).message
            #expect(message.contains("password authentication failed"), "\(message)")
            #expect(!message.contains(wrong), "\(message)")
        }
    }

    @Test("an unknown sslmode is an error that names it, before any connection")
    func unknownMode() async throws {
        let error = await #expect(throws: StoreError.self) {
            _ = try await PostgresStateStore(url: "postgres://postgres:hunter22@127.0.0.1:1/db?sslmode=verify_full",
                                             password: nil, nodeID: "tls")
        }
        let message = try #require(error).message
        #expect(message.contains("\"verify_full\""), "\(message)")
        #expect(!message.contains("hunter22"), "\(message)")
    }

    @Test("an sslrootcert that cannot be read is an error that names it")
    func missingRootCertificate() async throws {
        let missing = "/nonexistent/casewatch-\(UUID().uuidString.prefix(8))/ca.pem"
        let error = await #expect(throws: StoreError.self) {
            _ = try await PostgresStateStore(url: "postgres://postgres@127.0.0.1:1/db?sslmode=verify-full&sslrootcert=\(missing)",
                                             password: "hunter22", nodeID: "tls")
        }
        let message = try #require(error).message
        #expect(message.contains(missing), "\(message)")
        #expect(!message.contains("hunter22"), "\(message)")
    }

    @Test("sslrootcert=system allows only verify-full")
    func systemRoots() async throws {
        let error = await #expect(throws: StoreError.self) {
            _ = try await PostgresStateStore(url: "postgres://postgres@127.0.0.1:1/db?sslmode=require&sslrootcert=system",
                                             password: nil, nodeID: "tls")
        }
        #expect(try #require(error).message.contains("verify-full"))
    }
}
