import CaseWatchSources
import Foundation
import Testing

/// Who owns a case when some sources were read anew and others were not: a pure function, as a table.
@Suite("Source ownership")
struct SourceOwnershipTests {
    static let feed = "https://feeds.example.org/cases.json"
    static let otherFeed = "https://other.example.org/cases.csv"
    static func isFeed(_ source: String) -> Bool { source == feed || source == otherFeed }

    static let rows: [(name: String, frozen: [String: String], read: [String: String], problems: [String],
                       failing: [String])] = [
        ("no clash", ["a": "registry/a.yaml"], ["b": "registry/b.yaml"], [], []),
        ("the same source read again", ["a": feed], ["a": feed], [], []),
        ("two files hold one id: an error at the file read anew", ["a": "registry/a.yaml"], ["a": "registry/b.yaml"],
         ["registry/b.yaml: id: \"a\" is already used by registry/a.yaml"], []),
        ("a file takes an id a feed not read holds: kept, with a warning", ["a": feed], ["a": "registry/a.yaml"],
         ["registry/a.yaml: warning: id: \"a\" is also held by the feed \(feed), not read this time; this file's case is kept"],
         []),
        ("a feed takes an id a file holds: the feed fails", ["a": "registry/a.yaml"], ["a": otherFeed], [], [otherFeed]),
        ("a feed takes an id another feed holds: the feed read anew fails", ["a": feed], ["a": otherFeed], [], [otherFeed]),
    ]

    @Test("clashes are settled as the table says", arguments: rows.indices)
    func resolve(row: Int) {
        let (name, frozen, read, problems, failing) = Self.rows[row]
        let owners = SourceOwnership.resolve(frozen: frozen, readFrom: read, isFeed: Self.isFeed)
        #expect(owners.problems.map(\.description) == problems, "\(name)")
        #expect(owners.clashingFeeds.keys.sorted() == failing, "\(name)")
        #expect(owners.frozen == frozen)
    }

    @Test("a folder owns its own case files only; a feed its address")
    func owns() {
        let folder = RegistryFolder(displayPath: "registry/", url: URL(fileURLWithPath: "/tmp/registry"))
        #expect(folder.owns("registry/a.yaml"))
        #expect(!folder.owns("registry/sub/a.yaml"))
        #expect(!folder.owns("other/a.yaml"))
        #expect(!folder.isRemote)
        let feed = RegistryFeed(url: Self.feed)
        #expect(feed.owns(Self.feed) && !feed.owns(Self.otherFeed) && feed.isRemote)
    }
}
