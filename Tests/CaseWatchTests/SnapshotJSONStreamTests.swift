import Foundation
import Testing

@testable import CaseWatchApp
@testable import CaseWatchChannels
@testable import CaseWatchModel
@testable import CaseWatchPipeline
@testable import CaseWatchRendering
@testable import CaseWatchSQLite
@testable import CaseWatchSources
@testable import CaseWatchStore
@testable import InputFormats

@Suite("Snapshot JSON written ahead of the store")
struct SnapshotJSONStreamTests {
    static func cases(_ count: Int) -> [LegalCase] {
        (0..<count).map { n in
            var legalCase = CaseFixtures.helsinki
            legalCase.id = "case-\(n)"
            legalCase.history[0].note = n % 3 == 0 ? LocalizedText("note \(n) with \"quotes\"") : nil
            return legalCase
        }
    }

    static func rows(_ cases: [LegalCase]) -> [SnapshotRow] {
        cases.map { SnapshotRow(id: $0.id, digest: SnapshotDigest($0.canonicalJSON)) }
    }

    @Test("every row in order, with its case's canonical JSON", arguments: [0, 1, SnapshotJSONStream.chunkSize,
                                                                            SnapshotJSONStream.chunkSize * 9 + 7])
    func inOrder(count: Int) {
        let cases = Dictionary(uniqueKeysWithValues: Self.cases(count).map { ($0.id, $0) })
        let rows = Self.rows(Self.cases(count))
        var seen: [String] = []
        SnapshotJSONStream.forEach(rows, cases: cases) { row, json in
            #expect(Array(json) == cases[row.id]?.canonicalJSON)
            #expect(SnapshotDigest(Array(json)) == row.digest)
            seen.append(row.id)
        }
        #expect(seen == rows.map(\.id))
    }

    struct Stop: Error {}

    @Test("a store that fails midway stops the writer and gets its error")
    func failure() {
        let cases = Self.cases(SnapshotJSONStream.chunkSize * (SnapshotJSONStream.chunksAhead + 3))
        let rows = Self.rows(cases)
        var stored = 0
        #expect(throws: Stop.self) {
            try SnapshotJSONStream.forEach(rows, cases: Dictionary(uniqueKeysWithValues: cases.map { ($0.id, $0) })) { _, _ in
                stored += 1
                if stored == 10 { throw Stop() }
            }
        }
        #expect(stored == 10)
    }
}
