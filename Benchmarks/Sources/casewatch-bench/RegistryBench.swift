import CaseWatchApp
import CaseWatchChannels
import CaseWatchModel
import CaseWatchPipeline
import CaseWatchRendering
import CaseWatchSQLite
import CaseWatchSources
import CaseWatchStore
import InputFormats
import CaseWatchTesting
import Foundation

/// glibc's `malloc_trim`, which the Glibc module does not export.
@_silgen_name("malloc_trim")
private func mallocTrim(_ pad: Int) -> Int32

/// `registry --cases N`: N generated cases in one JSON array file of a temporary registry folder, then
/// the detection half of a cycle twice on a fresh store — the silent first sync (every case recorded,
/// nothing announced), and a second run on the unchanged registry — each phase timed:
/// load (`Registry.load`), diff (`seenSnapshots` + `RegistryDiff.compute`), record (`store.record`).
///
/// `make-registry --cases N --out DIR` only writes the file (for `casewatch run --once` on it).
enum RegistryBenchmark {
    static func make(_ options: Options) throws {
        let count = try options.int("cases")
        let folder = URL(fileURLWithPath: try options.string("out"))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let bytes = try Fixtures.writeRegistry(count: count, to: folder.appendingPathComponent("cases.json"))
        var line = ResultLine("make-registry")
        line.add("cases", count)
        line.add("file_bytes", bytes)
        line.print()
    }

    struct Phases {
        var load = 0.0, diff = 0.0, record = 0.0
        var changed = 0, events = 0
        /// Peak RSS within each phase, and RSS once the registry is loaded (the cases held).
        var loadPeak = 0.0, diffPeak = 0.0, recordPeak = 0.0, loaded = 0.0
        var total: Double { load + diff + record }
    }

    static func run(_ options: Options) async throws {
        let count = try options.int("cases")
        let folder = try TemporaryDirectory("casewatch-bench-registry")
        let registryFolder = folder.url.appendingPathComponent("registry")
        try FileManager.default.createDirectory(at: registryFolder, withIntermediateDirectories: true)
        let (bytes, generateSeconds) = try await Measure.time {
            try Fixtures.writeRegistry(count: count, to: registryFolder.appendingPathComponent("cases.json"))
        }
        var configuration = Configuration(file: folder.url.appendingPathComponent("casewatch.yml").path,
                                          baseDirectory: folder.url)
        configuration.registry.sources = [.folder("registry/")]
        configuration.registry.initialSync = .silent
        let store = try SQLiteStateStore(path: folder.url.appendingPathComponent("casewatch.sqlite").path)

        let baseline = Measure.currentRSS()
        Measure.resetPeakRSS()
        let trim = options.optional("trim-after-load") == "yes"
        let first = try await cycle(configuration: configuration, store: store, expected: count, trimAfterLoad: trim)
        let firstPeak = Measure.peakRSS()
        // Give back to the kernel what the first run freed (glibc keeps it in the arena of the Dispatch
        // thread that loaded), so the second run's peak is its own; a cron tick is a fresh process anyway.
        _ = mallocTrim(0)
        let rssBeforeSecond = Measure.currentRSS()
        Measure.resetPeakRSS()
        let second = try await cycle(configuration: configuration, store: store, expected: count)
        let secondPeak = Measure.peakRSS()
        guard first.changed == count, second.changed == 0, first.events == 0, second.events == 0 else {
            throw BenchError.failed("registry: unexpected diff (first sync \(first.changed) changed, \(first.events) "
                                    + "events; second run \(second.changed) changed, \(second.events) events)")
        }
        let databaseBytes = ["casewatch.sqlite", "casewatch.sqlite-wal"].reduce(0) { total, name in
            total + ((try? FileManager.default.attributesOfItem(
                atPath: folder.url.appendingPathComponent(name).path)[.size] as? Int) ?? 0)
        }

        var line = ResultLine("registry")
        line.add("cases", count)
        line.add("file_bytes", bytes)
        line.add("generate_seconds", generateSeconds)
        line.add("first_load_seconds", first.load)
        line.add("first_diff_seconds", first.diff)
        line.add("first_record_seconds", first.record)
        line.add("first_total_seconds", first.total)
        line.add("second_load_seconds", second.load)
        line.add("second_diff_seconds", second.diff)
        line.add("second_record_seconds", second.record)
        line.add("second_total_seconds", second.total)
        line.add("first_rss_after_load_mb", first.loaded, digits: 1)
        line.add("first_load_peak_rss_mb", first.loadPeak, digits: 1)
        line.add("first_diff_peak_rss_mb", first.diffPeak, digits: 1)
        line.add("first_record_peak_rss_mb", first.recordPeak, digits: 1)
        line.add("second_load_peak_rss_mb", second.loadPeak, digits: 1)
        line.add("baseline_rss_mb", baseline, digits: 1)
        line.add("first_peak_rss_mb", firstPeak, digits: 1)
        line.add("rss_before_second_mb", rssBeforeSecond, digits: 1)
        line.add("second_peak_rss_mb", secondPeak, digits: 1)
        line.add("peak_rss_mb", max(firstPeak, secondPeak), digits: 1)
        line.add("database_bytes", databaseBytes)
        line.print()
    }

    /// One detection as `DetectionCycle.run` does it, for a registry of folders only (no feeds) and without
    /// subscribers (nothing to route).
    static func cycle(configuration: Configuration, store: SQLiteStateStore, expected: Int, trimAfterLoad: Bool = false)
        async throws -> Phases
    {
        var phases = Phases()
        let started = Date()
        let (load, loadSeconds) = await Measure.time { await Registry(configuration: configuration).load() }
        phases.load = loadSeconds
        phases.loadPeak = Measure.peakRSS()
        // Diagnosis only (`--trim-after-load yes`): return freed memory first, so that the RSS read next
        // is what the loaded registry itself holds.
        if trimAfterLoad { _ = mallocTrim(0) }
        phases.loaded = Measure.currentRSS()
        let errors = load.problems.filter { $0.severity == .error }
        guard errors.isEmpty, load.cases.count == expected else {
            throw BenchError.failed("registry: \(load.cases.count) of \(expected) cases loaded; "
                                    + errors.prefix(3).map(\.description).joined(separator: "; "))
        }
        let (diff, diffSeconds) = try await Measure.time {
            let seen = try await store.seenSnapshots().digests
            let announce = try await store.hasSynced()
            return try await RegistryDiff.compute(
                current: load.cases, seen: seen, previous: { try await store.snapshots(ids: $0) },
                announceAdditions: announce, detectedAt: started)
        }
        phases.diff = diffSeconds
        phases.diffPeak = Measure.peakRSS()
        phases.changed = diff.upserts.count
        let (recorded, recordSeconds) = try await Measure.time {
            try await store.record(diff, registrySize: load.cases.count, startedAt: started, finishedAt: Date())
        }
        phases.record = recordSeconds
        phases.recordPeak = Measure.peakRSS()
        phases.events = recorded.events.count
        return phases
    }
}
