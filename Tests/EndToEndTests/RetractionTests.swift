import CaseWatchTesting
import Foundation
import Testing

/// A source that loses its cases by accident (a truncated folder, a feed that answers `200 []`) is not announced as
/// a retraction of everything: it waits for `casewatch sources accept-empty SOURCE`.
@Suite("Retractions wait for the operator", .serialized)
struct RetractionTests {
    let workspace: TemporaryDirectory
    let casewatch: CommandRunner

    init() throws {
        workspace = try TemporaryDirectory("casewatch-retractions")
        try RepositoryFiles.copy(["registry", "authorities", "templates"], into: workspace)
        try workspace.write("subscribers/desk.yaml", "id: desk\nname: Desk\nemail: desk@example.org\n")
        casewatch = CommandRunner(directory: workspace.url)
    }

    func configure(sources: String, maxRemovals: Int = 5) throws {
        try workspace.write("casewatch.yml", """
            state: var/casewatch.sqlite
            registry: {sources: [\(sources)], max_removals: \(maxRemovals)}
            authorities: authorities/
            email: {transport: file, directory: var/mail}
            webhooks: {transport: file, directory: var/webhooks}
            network: {allow_private: [127.0.0.0/8]}

            """)
    }

    func eventTypes() throws -> [String] {
        try casewatch.run(["events", "--json"]).stdout.split(separator: "\n").compactMap { line in
            (try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["type"] as? String
        }
    }

    func remove(_ count: Int) throws -> [String] {
        let folder = workspace.url.appendingPathComponent("registry")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().prefix(count)
        for file in files { try FileManager.default.removeItem(at: folder.appendingPathComponent(file)) }
        return Array(files)
    }

    @Test("a folder losing more than max_removals cases stops the cycle (65, nothing recorded) until accept-empty; then the removals go out once")
    func folderTruncated() throws {
        try configure(sources: "{id: main, path: registry/}")
        #expect(try casewatch.run(["run", "--once"]).status == 0)
        _ = try remove(6)
        let stopped = try casewatch.run(["run", "--once"])
        #expect(stopped.status == 65, "\(stopped.output)")
        #expect(stopped.stderr.contains("main: registry.sources: would remove 6 case(s) at once, more than registry.max_removals (5)"),
                "\(stopped.stderr)")
        #expect(stopped.stderr.contains("casewatch sources accept-empty main"))
        #expect(try eventTypes().isEmpty)
        #expect(try casewatch.run(["status", "--json"]).stdout.contains(#""registry_size":29"#))
        // Every following tick stops the same way: the catch does not wear off.
        #expect(try casewatch.run(["run", "--once"]).status == 65)

        let list = try casewatch.run(["sources", "--json"]).stdout
        #expect(list.contains(#""id":"main""#) && list.contains(#""cases":29"#) && list.contains(#""retraction_accepted":false"#),
                "\(list)")
        #expect(try casewatch.run(["sources", "accept-empty", "nonesuch"]).status == 65)
        #expect(try casewatch.run(["sources", "accept-empty", "main"]).status == 0)
        #expect(try casewatch.run(["sources", "--json"]).stdout.contains(#""retraction_accepted":true"#))
        let applied = try casewatch.run(["run", "--once"])
        #expect(applied.status == 0, "\(applied.output)")
        #expect(try eventTypes() == Array(repeating: "case.removed", count: 6))
        #expect(try casewatch.run(["sources", "--json"]).stdout.contains(#""retraction_accepted":false"#), "the word is spent")

        // The acceptance was spent: the next large loss stops again.
        _ = try remove(6)
        #expect(try casewatch.run(["run", "--once"]).status == 65)
    }

    @Test("a few removals within max_removals go out as before")
    func fewRemovals() throws {
        try configure(sources: "{path: registry/}")
        #expect(try casewatch.run(["run", "--once"]).status == 0)
        _ = try remove(2)
        #expect(try casewatch.run(["run", "--once"]).status == 0)
        #expect(try eventTypes() == ["case.removed", "case.removed"])
    }

    @Test("a feed that answers an empty list after holding cases fails as a feed: its cases stay, nothing is announced, until accept-empty")
    func emptyFeed() throws {
        let feed = try workspace.write("feed.json", "[" + FeedTests.caseJSON("org-a", status: "designated") + ","
                                       + FeedTests.caseJSON("org-b", status: "designated") + "]")
        let receiver = try HTTPReceiver(extra: ["--feed", feed.path])
        try FileManager.default.removeItem(at: workspace.url.appendingPathComponent("registry"))
        try configure(sources: "{id: lists, url: \"\(receiver.url)/feed\"}")
        #expect(try casewatch.run(["run", "--once"]).status == 0)
        try Data("[]".utf8).write(to: feed)
        let empty = try casewatch.run(["run", "--once"])
        #expect(empty.status == 0, "\(empty.output)")
        #expect(empty.stderr.contains("sent an empty list, after holding 2 case(s)"), "\(empty.stderr)")
        #expect(try eventTypes().isEmpty)
        #expect(try casewatch.run(["sources", "--json"]).stdout.contains("sent an empty list"))
        #expect(try casewatch.run(["status", "--json"]).stdout.contains(#""registry_size":2"#))

        #expect(try casewatch.run(["sources", "accept-empty", "lists"]).status == 0)
        #expect(try casewatch.run(["run", "--once"]).status == 0)
        #expect(try eventTypes() == ["case.removed", "case.removed"])
    }
}
