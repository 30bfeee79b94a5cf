import CaseWatchTesting
import Foundation
import Testing

/// Remote registry feeds: conditional GET against a real HTTP server, and feeds that go wrong.
@Suite("Registry feeds", .serialized)
struct FeedTests {
    static func caseJSON(_ id: String, status: String) -> String {
        """
        {"id": "\(id)", "subject": {"kind": "organisation", "name": {"en": "Org \(id)"}}, "country": "RU",
         "type": "foreign_agent", "status": "\(status)", "history": [{"date": "2024-03-01", "status": "\(status)"}],
         "sources": ["https://example.org/\(id)"]}
        """
    }

    let directory: TemporaryDirectory
    let feedFile: URL
    let casewatch: CommandRunner

    init(feedName: String = "feed.json") throws {
        directory = try TemporaryDirectory("casewatch-feed")
        try RepositoryFiles.copy(["templates"], into: directory)
        feedFile = try directory.write(feedName, "[" + Self.caseJSON("org-a", status: "designated") + ","
                                       + Self.caseJSON("org-b", status: "designated") + "]")
        try directory.write("subscribers/desk.yaml", "id: desk\nname: Desk\nemail: desk@example.org\n")
        casewatch = CommandRunner(directory: directory.url)
    }

    func configure(_ receiver: HTTPReceiver) throws {
        try directory.write("casewatch.yml", """
            state: var/casewatch.sqlite
            registry: {sources: [{url: "\(receiver.url)/feed"}]}
            email: {transport: file, directory: var/mail}
            network: {allow_private: [127.0.0.0/8]}
            webhooks: {transport: file, directory: var/webhooks}

            """)
    }

    /// One local case file (`registry/<id>.yaml`) and the feed, both sources of the registry; returns the
    /// receiver that serves the feed, answering `script` first.
    func localCaseAndFeed(_ id: String, name: String, type: String = "foreign_agent", status: String = "designated",
                          script: [String] = []) throws -> HTTPReceiver {
        try directory.write("registry/\(id).yaml", """
            id: \(id)
            subject: {kind: organisation, name: {en: \(name)}}
            country: RU
            type: \(type)
            status: \(status)

            """)
        let receiver = try HTTPReceiver(script: script, extra: ["--feed", feedFile.path, "--etag", "auto"])
        try directory.write("casewatch.yml", """
            state: var/casewatch.sqlite
            registry: {sources: [{path: registry/}, {url: "\(receiver.url)/feed"}]}
            email: {transport: file, directory: var/mail}
            network: {allow_private: [127.0.0.0/8]}

            """)
        return receiver
    }

    func events() throws -> [String] {
        try casewatch.run(["events"]).stdout.split(separator: "\n").map(String.init)
    }

    @Test("an unchanged feed answers 304 and costs nothing; a changed one is read and diffed")
    func conditionalGet() throws {
        let receiver = try HTTPReceiver(extra: ["--feed", feedFile.path, "--etag", "auto"])
        try configure(receiver)
        let first = try casewatch.run(["run", "--once"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.hasPrefix("2 case(s) in the registry"))

        let second = try casewatch.run(["run", "--once"])
        #expect(second.status == 0)
        let requests = try receiver.requests()
        #expect(requests.map(\.status) == [200, 304])
        #expect(requests[0].headers["if-none-match"] == nil)
        #expect(requests[1].headers["if-none-match"]?.hasPrefix("\"") == true)  // the ETag of the first answer
        #expect(try events().isEmpty)  // nothing removed, nothing changed

        try Data(("[" + Self.caseJSON("org-a", status: "delisted") + "," + Self.caseJSON("org-b", status: "designated")
                  + "]").utf8).write(to: feedFile)
        let third = try casewatch.run(["run", "--once"])
        #expect(third.status == 0)
        #expect(try receiver.requests().last?.status == 200)
        let found = try events()
        #expect(found.count == 1 && found[0].contains("case.status_changed org-a: designated → delisted"))
    }

    @Test("a feed that returns garbage, then fails, leaves its cases in place and is reported")
    func garbage() throws {
        let receiver = try HTTPReceiver(extra: ["--feed", feedFile.path, "--etag", "auto"])
        try configure(receiver)
        #expect(try casewatch.run(["run", "--once"]).status == 0)
        try Data("<html>502 Bad Gateway</html>".utf8).write(to: feedFile)
        let garbage = try casewatch.run(["run", "--once"])
        #expect(garbage.status == 0)
        #expect(garbage.stderr.contains("feed failed, its cases stay as last seen"))
        try Data(#"[{"id": "org-a"}]"#.utf8).write(to: feedFile)
        let invalid = try casewatch.run(["run", "--once"])
        #expect(invalid.stderr.contains("problem(s) in the feed"))
        receiver.stop()
        let down = try casewatch.run(["run", "--once"])
        #expect(down.status == 0 && down.stderr.contains("feed failed"))
        #expect(try events().isEmpty)  // no case.removed
        let status = try casewatch.run(["status", "--json"]).stdout
        #expect(status.contains(#""registry_size":2"#) && status.contains(#""last_error":"#))
    }

    @Test("a CSV feed, one case per row, is read like case files")
    func csv() throws {
        let csvDirectory = try TemporaryDirectory("casewatch-csv")
        let csv = try csvDirectory.write("feed.csv", """
            id,kind,name_en,name_ru,country,type,status,status_date,court,sources,tags
            org-c,organisation,"Org C, Moscow",Орг C,RU,undesirable,designated,2024-01-23,,https://example.org/c,"a;b"
            org-d,person,Person D,,RU,criminal,claim_filed,2024-02-01,Basmanny District Court,https://example.org/d,

            """)
        let receiver = try HTTPReceiver(extra: ["--feed", csv.path, "--etag", "auto"])
        try directory.write("casewatch.yml", """
            state: var/casewatch.sqlite
            registry: {sources: [{url: "\(receiver.url)/feed?as=cases.csv"}]}
            email: {transport: file, directory: var/mail}
            network: {allow_private: [127.0.0.0/8]}

            """)
        let run = try casewatch.run(["run", "--once"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("2 case(s) in the registry"))
    }

    @Test("a feed reusing an id from the local registry fails as a feed; the run goes on")
    func clashingID() throws {
        let receiver = try localCaseAndFeed("org-a", name: "Local Org A")
        defer { receiver.stop() }
        let run = try casewatch.run(["run", "--once"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("1 case(s) in the registry"))
        #expect(run.stderr.contains(#"already used by another source, such as "org-a""#))
    }

    @Test("an empty feed body is a failed feed, not a retraction of every case")
    func emptyFeed() throws {
        let receiver = try HTTPReceiver(extra: ["--feed", feedFile.path, "--etag", "auto"])
        try configure(receiver)
        #expect(try casewatch.run(["run", "--once"]).status == 0)
        try Data().write(to: feedFile)
        let run = try casewatch.run(["run", "--once"])
        #expect(run.status == 0 && run.stderr.contains("the feed is empty"))
        #expect(try events().isEmpty)
    }

    @Test("a feed down at the first sync has a silent first sync of its own when it comes back")
    func lateFeedIsSilent() throws {
        let receiver = try localCaseAndFeed("local-case", name: "Local", type: "liquidation", status: "claim_filed", script: ["503"])
        defer { receiver.stop() }
        let down = try casewatch.run(["run", "--once"])
        #expect(down.status == 0 && down.stderr.contains("feed failed"))
        let back = try casewatch.run(["run", "--once"])
        #expect(back.stdout.hasPrefix("3 case(s) in the registry"), "\(back.stdout)")
        #expect(try events().isEmpty)  // recorded, not announced as new
    }

    @Test("a feed that takes an id from an unchanged local file fails as a feed; the run goes on")
    func clashWithUnchangedFile() throws {
        let receiver = try localCaseAndFeed("org-z", name: "Local Org Z")
        defer { receiver.stop() }
        usleep(100_000)
        #expect(try casewatch.run(["run", "--once"]).stdout.hasPrefix("3 case(s) in the registry"))
        try Data(("[" + Self.caseJSON("org-a", status: "delisted") + "," + Self.caseJSON("org-z", status: "delisted")
                  + "]").utf8).write(to: feedFile)
        let run = try casewatch.run(["run", "--once"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains(#"case id "org-z" is already used by registry/org-z.yaml"#), "\(run.stderr)")
        #expect(run.stdout.hasPrefix("3 case(s) in the registry (0 read anew), 0 new event(s)"), "\(run.stdout)")
    }
}
