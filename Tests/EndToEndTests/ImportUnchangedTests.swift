import CaseWatchTesting
import Foundation
import Testing

/// An official list that has not changed costs a `stat`, a hash or a conditional GET, not a re-import — and comes
/// out exactly as if it had been read: its cases, its `sources` line, and the steps a hand-kept case claims from it.
/// Also `ca_file` on a `url:` source, against a TLS server whose certificate no system CA vouches for.
@Suite("Importers: unchanged lists and per-source TLS", .serialized)
struct ImportUnchangedTests {
    let workspace: TemporaryDirectory
    let casewatch: CommandRunner
    static let header = ImportTests.header
    static let ivanov = ImportTests.ivanov
    /// The fund, excluded from the register on 1 December 2022.
    static let excludedFund = "2,Фонд «Пример»,,,ст. 32 № 7-ФЗ,18.08.2021,01.12.2022"
    static let newcomer = ImportTests.newcomer
    static let list = ([header, ivanov, excludedFund]).joined(separator: "\n") + "\n"

    init() throws {
        workspace = try TemporaryDirectory("casewatch-import-unchanged")
        try RepositoryFiles.copy(["registry", "authorities", "subscribers", "templates", "casewatch.yml"], into: workspace)
        casewatch = CommandRunner(directory: workspace.url,
                                  environment: ["COE_WEBHOOK_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"])
    }

    /// The repository's configuration with `source` (one flow-style entry) after the sample folder.
    func configure(_ source: String) throws {
        let configuration = try String(contentsOf: RepositoryFiles.url("casewatch.yml"), encoding: .utf8)
        try workspace.write("casewatch.yml", configuration.replacingOccurrences(
            of: "      path: registry/\n", with: "      path: registry/\n    - \(source)\n")
            // The servers in these tests listen on 127.0.0.1, which the network guard refuses unless allowed.
            + "network: {allow_private: [127.0.0.0/8]}\n")
    }

    func sources() throws -> [String: [String: Any]] {
        let lines = try casewatch.run(["sources", "--json"]).stdout.split(separator: "\n")
        var byID: [String: [String: Any]] = [:]
        for line in lines {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let id = object["id"] as? String else { continue }
            byID[id] = object
        }
        return byID
    }

    func events() throws -> [[String: Any]] {
        try casewatch.run(["events", "--json"]).stdout.split(separator: "\n").compactMap {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    func snapshot(_ id: String) throws -> String {
        try SQLiteShell.run(workspace.url.appendingPathComponent("var/casewatch.sqlite").path,
                            "SELECT json FROM case_snapshot WHERE id = '\(id)'")
    }

    @Test("an untouched list file is not read again, the same bytes rewritten are not parsed again, and a hand-kept case that claims an entry meanwhile still takes in its steps")
    func unchangedFile() throws {
        try configure("{import: minjust-foreign-agents, path: lists/foreign-agents.csv, id: fa}")
        try workspace.write("lists/foreign-agents.csv", Self.list)
        let first = try casewatch.run(["run", "--once"])
        #expect(first.status == 0, "\(first.output)")
        let read = try #require(try sources()["fa"])
        #expect(read["cases"] as? Int == 2 && read["entries"] as? Int == 2, "\(read)")
        let fetched = try #require(read["last_good_fetch"] as? String)

        // Untouched: nothing is read anew, and the list keeps what its last read said (no new fetch recorded).
        Thread.sleep(forTimeInterval: 1.1)  // a fetch recorded now would carry another second
        let second = try casewatch.run(["run", "--once"])
        #expect(second.status == 0, "\(second.output)")
        #expect(second.stdout.contains("(0 read anew)"), "\(second.stdout)")
        let kept = try #require(try sources()["fa"])
        #expect(kept["cases"] as? Int == 2 && kept["entries"] as? Int == 2, "\(kept)")
        #expect(kept["last_good_fetch"] as? String == fetched, "\(kept)")
        #expect(kept["last_error"] == nil || kept["last_error"] is NSNull, "\(kept)")

        // The same bytes written again (another inode and modification time): recognised by their hash, nothing
        // read anew, and the new stat signature remembered (a fetch is recorded).
        try FileManager.default.removeItem(at: workspace.url.appendingPathComponent("lists/foreign-agents.csv"))
        try workspace.write("lists/foreign-agents.csv", Self.list)
        let third = try casewatch.run(["run", "--once"])
        #expect(third.status == 0, "\(third.output)")
        #expect(third.stdout.contains("(0 read anew)"), "\(third.stdout)")
        #expect(try sources()["fa"]?["last_good_fetch"] as? String != fetched)
        #expect(try events().isEmpty)

        // A hand-kept case now claims the fund's entry; the list is untouched. The entry's steps (its exclusion)
        // join the case as they would had the list been read, with no warning that the claim is in no list.
        try workspace.write("registry/fund-primer.yaml", """
            id: fund-primer
            subject:
              kind: organisation
              name: {en: Primer Foundation, ru: Фонд «Пример», fr: Fondation Primer}
            country: RU
            type: foreign_agent
            history:
              - {date: 2021-08-18, status: designated, note: "Designated; the operator's own words."}
            imports: ["minjust-foreign-agents:фонд пример/2021-08-18"]

            """)
        let fourth = try casewatch.run(["run", "--once"])
        #expect(fourth.status == 0, "\(fourth.output)")
        #expect(!fourth.output.contains("in no official list"), "\(fourth.output)")
        let merged = try snapshot("fund-primer")
        #expect(merged.contains("\"delisted\"") && merged.contains("2022-12-01"), "\(merged)")
        #expect(merged.contains("the operator's own words"))
        #expect(try sources()["fa"]?["entries"] as? Int == 2)

        // And once more, nothing changed anywhere: the case keeps the claimed steps.
        let fifth = try casewatch.run(["run", "--once"])
        #expect(fifth.stdout.contains("(0 read anew)"), "\(fifth.stdout)")
        #expect(try snapshot("fund-primer") == merged)
    }

    @Test("a list from a url is asked for conditionally: unchanged, the server answers 304 and nothing is read; changed, it is read and its newcomer announced")
    func conditionalGet() throws {
        let served = try workspace.write("served.csv", Self.list)
        let server = try HTTPReceiver(extra: ["--feed", served.path, "--etag", "auto"])
        try configure("{import: minjust-foreign-agents, url: \"\(server.url)/feed\", format: csv, id: fa}")
        let first = try casewatch.run(["run", "--once"])
        #expect(first.status == 0, "\(first.output)")
        let second = try casewatch.run(["run", "--once"])
        #expect(second.status == 0, "\(second.output)")
        #expect(second.stdout.contains("(0 read anew)"), "\(second.stdout)")
        var requests = try server.requests().filter { $0.path == "/feed" }
        #expect(requests.map(\.status) == [200, 304])
        #expect(requests.last?.headers["if-none-match"]?.hasPrefix("\"") == true)
        let kept = try #require(try sources()["fa"])
        #expect(kept["cases"] as? Int == 2 && kept["entries"] as? Int == 2, "\(kept)")

        try workspace.write("served.csv", Self.list + Self.newcomer + "\n")
        let third = try casewatch.run(["run", "--once"])
        #expect(third.status == 0, "\(third.output)")
        requests = try server.requests().filter { $0.path == "/feed" }
        #expect(requests.map(\.status) == [200, 304, 200])
        let added = try events()
        #expect(added.map { $0["case_id"] as? String } == ["minjust-foreign-agents-sidorov-sidor-sidorovich-2024-02-09"])
        #expect(try sources()["fa"]?["entries"] as? Int == 3)
    }

    /// A TLS server of `folder`'s files whose certificate is signed by an intermediate it does not send.
    func tlsServer(_ folder: URL) throws -> (peer: PeerProcess, log: URL, certificates: URL) {
        let directory = try TemporaryDirectory("casewatch-tls-peer")
        let certificates = directory.url.appendingPathComponent("certs")
        let log = directory.url.appendingPathComponent("requests.jsonl")
        let peer = try PeerProcess("tls_file_peer.py", arguments: [
            "--dir", certificates.path, "--root", folder.path, "--log", log.path,
        ], directory: directory)
        return (peer, log, certificates)
    }

    @Test("ca_file: a list and a feed on a server that sends no intermediate are read with the intermediate as their ca_file, and fail as sources without it", arguments: [false, true])
    func caFile(given: Bool) throws {
        let folder = workspace.url.appendingPathComponent("served")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Self.list.write(to: folder.appendingPathComponent("fa.csv"), atomically: true, encoding: .utf8)
        try ("[" + FeedTests.caseJSON("org-a", status: "designated") + "]")
            .write(to: folder.appendingPathComponent("cases.json"), atomically: true, encoding: .utf8)
        let server = try tlsServer(folder)
        defer { server.peer.stop() }
        let intermediate = server.certificates.appendingPathComponent("intermediate.pem")
        try FileManager.default.copyItem(at: intermediate, to: workspace.url.appendingPathComponent("intermediate.pem"))
        let base = "https://127.0.0.1:\(server.peer.port)"
        let caFile = given ? ", ca_file: intermediate.pem" : ""
        try configure("{import: minjust-foreign-agents, url: \"\(base)/fa.csv\", format: csv, id: fa\(caFile)}\n"
            + "    - {url: \"\(base)/cases.json\", id: feed\(caFile)}")
        let run = try casewatch.run(["run", "--once"])
        #expect(run.status == 0, "\(run.output)")
        let byID = try sources()
        let list = try #require(byID["fa"]), feed = try #require(byID["feed"])
        if given {
            #expect(list["cases"] as? Int == 2 && list["entries"] as? Int == 2, "\(list)")
            #expect(feed["cases"] as? Int == 1, "\(feed)")
            #expect(list["last_error"] == nil || list["last_error"] is NSNull, "\(list)")
        } else {
            // Refused, never read without verification: each is a failing source, naming the certificate problem.
            for source in [list, feed] {
                #expect(source["cases"] as? Int == 0, "\(source)")
                let error = (source["last_error"] as? String ?? "").lowercased()
                #expect(error.contains("certificate") || error.contains("ssl"), "\(source)")
            }
            let log = (try? String(contentsOf: server.log, encoding: .utf8)) ?? ""
            #expect(log.contains("\"handshake\": \"failed\"") && !log.contains("\"status\": 200"), "\(log)")
        }
    }
}
