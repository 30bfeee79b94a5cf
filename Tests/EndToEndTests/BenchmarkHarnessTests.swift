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
import Testing

/// `casewatch-bench`, the program behind `Benchmarks/run.sh`, at small sizes against the test peers: every
/// benchmark it runs must finish, check its own counts, and print the line the report reads.
@Suite("Benchmark harness", .serialized)
struct BenchmarkHarnessTests {
    static let secret = "whsec_" + Data(repeating: 7, count: 32).base64EncodedString()

    /// Runs `casewatch-bench arguments…` (built beside `casewatch`) and returns its status and its result line.
    func bench(_ arguments: [String]) throws -> (status: Int32, result: [String: Any], stderr: String) {
        let binary = CommandRunner.binary.deletingLastPathComponent().appendingPathComponent("casewatch-bench")
        #expect(FileManager.default.isExecutableFile(atPath: binary.path), "build it: swift build --product casewatch-bench")
        let logs = try TemporaryDirectory("casewatch-bench-test")
        let (out, err) = (logs.url.appendingPathComponent("out"), logs.url.appendingPathComponent("err"))
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = RepositoryFiles.url(".")
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["CASEWATCH_BENCH_WEBHOOK_SECRET": Self.secret]) { $1 }
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            Issue.record("casewatch-bench \(arguments.joined(separator: " ")) did not finish in 120 s")
        }
        process.waitUntilExit()
        let line = try String(contentsOf: out, encoding: .utf8).split(separator: "\n").last { $0.hasPrefix("{") }
        let result = try line.flatMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] } ?? [:]
        return (process.terminationStatus, result, try String(contentsOf: err, encoding: .utf8))
    }

    @Test("registry: generated cases loaded, diffed and recorded, then found unchanged")
    func registry() throws {
        let run = try bench(["registry", "--cases", "300"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.result["cases"] as? Int == 300)
        #expect((run.result["first_total_seconds"] as? Double ?? 0) > 0)
        #expect((run.result["peak_rss_mb"] as? Double ?? 0) > 0)
    }

    @Test("fanout: one event to every subscriber, each entry in the outbox")
    func fanout() throws {
        let run = try bench(["fanout", "--subscribers", "300", "--templates", "templates"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.result["drafts"] as? Int == 330 && run.result["outbox_rows"] as? Int == 330)
        #expect(run.result["emails"] as? Int == 180 && run.result["webhooks"] as? Int == 150)
    }

    @Test("deliver-webhooks: every delivery reaches the receiver, signed")
    func webhooks() throws {
        let receiver = try HTTPReceiver()
        let run = try bench(["deliver-webhooks", "--count", "40", "--url", receiver.url + "/hook", "--concurrency", "4",
                             "--templates", "templates"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.result["deliveries"] as? Int == 40 && run.result["outbox_delivered"] as? Int == 40)
        let requests = try receiver.requests()
        #expect(requests.count == 40 && Set(requests.compactMap { $0.headers["webhook-id"] }).count == 40)
        let secret = try #require(WebhookSecret(Self.secret))
        for request in requests {
            let id = try #require(request.headers["webhook-id"])
            let timestamp = try #require(request.headers["webhook-timestamp"].flatMap(Int.init))
            let signature = WebhookSignature.sign(id: id, timestamp: timestamp, body: Array(request.body.utf8), secret: secret)
            #expect(request.headers["webhook-signature"] == "v1,\(signature)")
        }
    }

    @Test("deliver-emails: every alert reaches the SMTP server")
    func emails() throws {
        let smtp = try SMTPServer()
        let run = try bench(["deliver-emails", "--count", "30", "--smtp", "smtp://127.0.0.1:\(smtp.port)",
                             "--concurrency", "4", "--templates", "templates"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.result["deliveries"] as? Int == 30 && run.result["outbox_delivered"] as? Int == 30)
        let messages = try smtp.messages()
        #expect(messages.count == 30 && Set(messages.flatMap(\.recipients)).count == 30)
    }
}
