import CaseWatchApp
import CaseWatchChannels
import CaseWatchModel
import CaseWatchPipeline
import CaseWatchRendering
import CaseWatchSQLite
import CaseWatchSources
import CaseWatchStore
import InputFormats
import Foundation
import Testing

@Suite("Whole-registry detection")
struct RegistryDiffTests {
    func diff(current: [LegalCase], seen: [LegalCase], announce: Bool = true, complete: Bool = true) async throws
        -> RegistryDiff
    {
        let previous = Dictionary(uniqueKeysWithValues: seen.map { ($0.id, $0) })
        return try await RegistryDiff.compute(
            current: Dictionary(uniqueKeysWithValues: current.map { ($0.id, $0) }),
            seen: previous.mapValues { SnapshotDigest($0.canonicalJSON) }, frozen: complete ? [] : Set(seen.map(\.id)),
            previous: { ids in previous.filter { ids.contains($0.key) } },
            announceAdditions: announce, detectedAt: CaseFixtures.detectedAt)
    }

    @Test("unchanged registry: nothing to write, no event")
    func unchanged() async throws {
        let result = try await diff(current: [CaseFixtures.helsinki], seen: [CaseFixtures.helsinki])
        #expect(result.upserts.isEmpty && result.removals.isEmpty && result.events.isEmpty)
    }

    @Test("a changed case is written back with its events")
    func changed() async throws {
        let result = try await diff(current: [CaseFixtures.helsinkiRuled], seen: [CaseFixtures.helsinki])
        #expect(result.upserts.map(\.id) == ["moscow-helsinki-group-liquidation"])
        #expect(result.events.map(\.type) == [.statusChanged])
    }

    @Test("silent first sync records cases without announcing them")
    func silentFirstSync() async throws {
        let result = try await diff(current: [CaseFixtures.helsinki], seen: [], announce: false)
        #expect(result.upserts.count == 1)
        #expect(result.events.isEmpty)
    }

    @Test("a case gone from a source that was read is removed; one from a feed not read stays")
    func removal() async throws {
        let complete = try await diff(current: [], seen: [CaseFixtures.helsinki])
        #expect(complete.removals == ["moscow-helsinki-group-liquidation"])
        #expect(complete.events.map(\.type) == [.removed])
        let incomplete = try await diff(current: [], seen: [CaseFixtures.helsinki], complete: false)
        #expect(incomplete.removals.isEmpty && incomplete.events.isEmpty)
    }

    @Test("changed and new cases come in order of id, and their events with them", arguments: [0, 1, 2, 3, 57])
    func order(count: Int) async throws {
        let cases = (0..<count).map { n in
            var legalCase = CaseFixtures.helsinki
            legalCase.id = "case-\(String(n * 7919 % 1000, radix: 36))-\(n)"
            return legalCase
        }
        let seen = cases.enumerated().filter { $0.offset % 3 == 0 }.map { $0.element }.map { seen in
            var previous = seen
            previous.history = []  // no step yet: the claim is new
            previous.status = .inspection
            return previous
        }
        let result = try await diff(current: cases, seen: seen)
        #expect(result.upserts.map(\.id) == cases.map(\.id).sorted())
        #expect(result.events.map(\.caseID) == result.events.map(\.caseID).sorted())
        #expect(result.events.count == count)
    }
}
