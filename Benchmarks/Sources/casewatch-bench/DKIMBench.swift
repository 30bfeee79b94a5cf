import CaseWatchApp
import CaseWatchChannels
import CaseWatchModel
import CaseWatchPipeline
import CaseWatchRendering
import CaseWatchTesting
import Foundation

/// `dkim-sign`: what DKIM adds per message. The alert of `deliver-emails` (one reader's whole message, as the
/// delivery lane has it after the claim) signed `count` times: relaxed canonicalisation of header and body, the
/// SHA-256 body hash, and the signature — rsa-sha256 (2048 bits) alone, then with ed25519-sha256 beside it.
/// Keys are made with openssl for the run and thrown away.
enum DKIMBenchmark {
    static func run(_ options: Options) async throws {
        let count = try options.int("count", default: 2000)
        let templates = try Fixtures.templates(try options.string("templates", default: "templates"))
        let now = Date()
        let composer = try EmailComposer(from: "CaseWatch <alerts@example.org>", file: "bench")
        let planner = AlertPlanner(
            subscribers: [Fixtures.subscriber(0, channels: [.email], secretEnv: DeliverBenchmark.secretEnv, webhookURL: "")],
            renderer: AlertRenderer(templates: templates), composer: composer,
            unsubscribe: UnsubscribeToken(secret: "bench-token-secret"), baseURL: "https://alerts.example.org")
        let message = try planner.drafts(for: [Fixtures.rulingEvent(now: now)], suppressions: Suppressions(), now: now)[0]
            .payload
        for ed25519 in [false, true] {
            let signer = try signer(ed25519: ed25519)
            _ = try signer.signed(message, at: now)  // warm-up
            let cpuBefore = Measure.processCPUSeconds()
            let (signedBytes, seconds) = try await Measure.time { () async throws -> Int in
                var bytes = 0
                for _ in 0..<count { bytes += try signer.signed(message, at: now).count }
                return bytes
            }
            let cpuSeconds = Measure.processCPUSeconds() - cpuBefore
            var line = ResultLine("dkim-sign")
            line.add("algorithms", signer.keys.map(\.algorithm).joined(separator: "+"))
            line.add("messages", count)
            line.add("message_bytes", message.count)
            line.add("signature_bytes", signedBytes / count - message.count)
            line.add("seconds", seconds)
            line.add("us_per_message", seconds * 1e6 / Double(count), digits: 1)
            line.add("cpu_us_per_message", cpuSeconds * 1e6 / Double(count), digits: 1)
            line.print()
        }
    }

    /// A signer with keys made now: a 2048-bit RSA key, and an Ed25519 one with `ed25519`.
    static func signer(ed25519: Bool) throws -> DKIMSigner {
        let folder = try TemporaryDirectory("casewatch-bench-dkim")
        var keys: [DKIMSigner.Key] = [
            .rsa(try DKIMKeyFile.rsa(pem: try String(contentsOf: try TestKeys.rsa(in: folder), encoding: .utf8))),
        ]
        if ed25519 {
            keys.append(.ed25519(try DKIMKeyFile.ed25519(
                pem: try String(contentsOf: try TestKeys.ed25519(in: folder), encoding: .utf8))))
        }
        return DKIMSigner(domain: "example.org", selector: "bench", keys: keys)
    }
}
