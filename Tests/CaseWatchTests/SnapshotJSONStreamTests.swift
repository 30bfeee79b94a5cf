import Foundation
import Testing

@testable import CaseWatch

@Suite("Snapshot JSON written ahead of the store")
struct SnapshotJSONStreamTests {
    static func rows(_ count: Int) -> [SnapshotRow] {
        (0..<count).map { n in
            var legalCase = CaseFixtures.helsinki
            legalCase.id = "case-\(n)"
            legalCase.history[0].note = n % 3 == 0 ? "note \(n) with \"quotes\"" : nil
            return SnapshotRow(id: legalCase.id, digest: SnapshotDigest(legalCase.canonicalJSON), legalCase: legalCase)
        }
    }

    @Test("every row in order, with its case's canonical JSON", arguments: [0, 1, SnapshotJSONStream.chunkSize,
                                                                            SnapshotJSONStream.chunkSize * 9 + 7])
    func inOrder(count: Int) {
        let rows = Self.rows(count)
        var seen: [String] = []
        SnapshotJSONStream.forEach(rows) { row, json in
            #expect(Array(json) == row.legalCase.canonicalJSON)
            #expect(SnapshotDigest(Array(json)) == row.digest)
            seen.append(row.id)
        }
        #expect(seen == rows.map(\.id))
    }

    struct Stop: Error {}

    @Test("a store that fails midway stops the writer and gets its error")
    func failure() {
        let rows = Self.rows(SnapshotJSONStream.chunkSize * (SnapshotJSONStream.chunksAhead + 3))
        var stored = 0
        #expect(throws: Stop.self) {
            try SnapshotJSONStream.forEach(rows) { _, _ in
                stored += 1
                if stored == 10 { throw Stop() }
            }
        }
        #expect(stored == 10)
    }
}
