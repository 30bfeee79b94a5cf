import CaseWatchTesting
import Foundation
import Testing

/// The delivery guarantees under cron and crashes: nothing lost, duplicates only among what was in flight.
@Suite("Crashes and concurrent runs", .serialized)
struct CrashRecoveryTests {
    static let subscribers = 1000
    static let concurrency = 4

    @Test("kill -9 in the middle of a 1,000-delivery cycle: the restart delivers every one, few twice")
    func killInTheMiddle() throws {
        // Slow enough answers that the kill lands mid-cycle.
        let receiver = try HTTPReceiver(script: Array(repeating: "204 sleep=0.01", count: Self.subscribers))
        let workspace = try DeliveryWorkspace(smtp: nil, concurrency: Self.concurrency)
        for index in 0..<Self.subscribers {
            try workspace.addWebhookSubscriber(String(format: "org-%04d", index), url: receiver.url)
        }
        try workspace.run()
        try workspace.moveCase()

        let logs = try TemporaryDirectory("casewatch-crash")
        let process = try workspace.casewatch.start(["run", "--once"], stdout: logs.url.appendingPathComponent("out"),
                                                    stderr: logs.url.appendingPathComponent("err"))
        let deadline = Date().addingTimeInterval(60)
        while try receiver.requests().count < 300, process.isRunning, Date() < deadline { usleep(20_000) }
        #expect(process.isRunning, "the cycle finished before it could be interrupted")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let beforeRestart = try receiver.requests().count
        #expect(beforeRestart < Self.subscribers)

        let restart = try workspace.run()
        #expect(restart.status == 0, "\(restart.stderr)")
        let ids = try receiver.requests().compactMap { $0.headers["webhook-id"] }
        #expect(Set(ids).count == Self.subscribers)
        let duplicates = ids.count - Set(ids).count
        // In flight at the kill: the lanes' transfers plus outcomes not yet written (one batch).
        #expect(duplicates <= Self.concurrency + 32, "\(duplicates) duplicates")
        let status = try workspace.run(["status", "--json"])
        #expect(status.stdout.contains(#""queue_depth":0"#))
        #expect(status.stdout.contains(#""delivered":\#(Self.subscribers)"#))
    }

    @Test("two concurrent run --once: one works, the other exits 75 at once")
    func concurrentRuns() throws {
        let receiver = try HTTPReceiver(script: ["204 sleep=3"])
        let workspace = try DeliveryWorkspace(smtp: nil)
        try workspace.addWebhookSubscriber("coe", url: receiver.url)
        try workspace.run()
        try workspace.moveCase()
        let logs = try TemporaryDirectory("casewatch-lock")
        let first = try workspace.casewatch.start(["run", "--once"], stdout: logs.url.appendingPathComponent("out"),
                                                  stderr: logs.url.appendingPathComponent("err"))
        let deadline = Date().addingTimeInterval(30)
        while try receiver.requests().isEmpty, Date() < deadline { usleep(20_000) }
        let started = Date()
        let second = try workspace.run()
        #expect(second.status == 75)
        #expect(Date().timeIntervalSince(started) < 2.5)
        first.waitUntilExit()
        #expect(first.terminationStatus == 0)
        #expect(try receiver.requests().count == 1)
    }
}
