import CaseWatchTesting
import Foundation
import Testing

/// `events --json` prints where each event's facts came from, as the store keeps it.
@Suite("Evidence end to end")
struct EvidenceEndToEndTests {
    @Test("events --json prints each new event's evidence: the case file, when it was read and a SHA-256")
    func eventsJSON() throws {
        let workspace = try TemporaryDirectory("casewatch-e2e-evidence")
        try RepositoryFiles.copy(["registry", "authorities", "subscribers", "templates", "casewatch.yml"], into: workspace)
        let casewatch = CommandRunner(directory: workspace.url,
                                      environment: ["COE_WEBHOOK_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"])
        let first = try casewatch.run(["run", "--once"])
        #expect(first.status == 0, "\(first.stderr)")
        let path = "registry/sakharov-center-liquidation.yaml"
        try workspace.write(path, CaseFileEdit.appendingStep("{date: 2025-11-01, status: closed}",
                                                             to: try workspace.read(path)))
        let second = try casewatch.run(["run", "--once"])
        #expect(second.status == 0, "\(second.stderr)")

        let listed = try casewatch.run(["events", "--json"])
        #expect(listed.status == 0, "\(listed.stderr)")
        let lines = listed.stdout.split(separator: "\n")
        try #require(lines.count == 1)
        let event = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        let evidence = try #require(event["evidence"] as? [String: Any])
        #expect(evidence["source"] as? String == path)
        #expect((evidence["fetched_at"] as? String).flatMap(ISO8601DateFormatter().date(from:)) != nil)
        #expect((evidence["sha256"] as? String)?.range(of: "^[0-9a-f]{64}$", options: .regularExpression) != nil)
        #expect(evidence["as_of"] == nil)  // a case file has no as-of date
    }
}
