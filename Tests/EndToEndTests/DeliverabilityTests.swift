import CaseWatchChannels
import CaseWatchModel
import CaseWatchTesting
import Foundation
import Testing

/// DKIM signatures checked on the bytes the SMTP peer received, by dkimpy with the records `check` prints; the
/// webhook `v1a` signature checked by Python's Ed25519 on what the HTTP peer received; keys and secrets refused by
/// `check` with their reasons. Keys are made with openssl when the tests run.
@Suite("Deliverability: DKIM and webhook signing keys", .serialized)
struct DeliverabilityTests {
    static let from = "  from: \"CaseWatch <alerts@casewatch.example.org>\"\n"

    /// Puts `block` (lines of the `email` section) after `from` in the workspace's configuration.
    func configure(_ workspace: DeliveryWorkspace, email block: String) throws {
        let text = try workspace.directory.read("casewatch.yml")
        #expect(text.contains(Self.from))
        try workspace.directory.write("casewatch.yml", text.replacingOccurrences(of: Self.from, with: Self.from + block))
    }

    static func dkimBlock(ed25519: Bool, keyFile: String? = "dkim-rsa.pem") -> String {
        var block = "  list_id: \"CaseWatch alerts <alerts.casewatch.example.org>\"\n  dkim:\n"
            + "    domain: casewatch.example.org\n    selector: cw2026\n"
        if let keyFile { block += "    key_file: \(keyFile)\n" }
        if ed25519 { block += "    ed25519_key_file: dkim-ed25519.pem\n" }
        return block
    }

    /// The records `check` printed, as `NAME=TXT` for dkim_verify.py.
    static func records(in output: String) -> [String] {
        output.split(separator: "\n").compactMap { line -> String? in
            let words = line.split(separator: " ", maxSplits: 2)
            guard words.count == 3, words[1] == "TXT", words[0].contains("._domainkey.") else { return nil }
            return "\(words[0])=\(words[2].dropFirst().dropLast())"
        }
    }

    static func pemBody(_ url: URL) throws -> [String] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("-----") }
            .map(String.init)
    }

    @Test("signed messages verify on the wire with dkimpy: Cyrillic subject, fan-out from shared lines, ed25519 or not",
          arguments: [false, true])
    func signedOnTheWire(ed25519: Bool) throws {
        let smtp = try SMTPServer()
        let workspace = try DeliveryWorkspace(smtp: smtp)
        let rsaKey = try TestKeys.rsa(in: workspace.directory)
        let edKey = ed25519 ? try TestKeys.ed25519(in: workspace.directory) : nil
        try configure(workspace, email: Self.dkimBlock(ed25519: ed25519))
        for n in 1...3 {
            try workspace.addEmailSubscriber("reader-\(n)", address: "reader-\(n)@example.org", language: "ru")
        }
        #expect(try workspace.run().status == 0)
        try workspace.moveCase()
        let run = try workspace.run()
        #expect(run.status == 0, "\(run.output)")
        #expect(run.stdout.contains("sent 3, retrying 0, dead 0"), "\(run.stdout)")

        // One alert to three readers of one language: the store kept its body lines once and reassembled each
        // message from them when it was claimed.
        let store = workspace.directory.url.appendingPathComponent("var/casewatch.sqlite").path
        let shared = try SQLiteShell.run(store, "SELECT count(*) FROM outbox_lines")
        #expect((Int(shared.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) > 0, "\(shared)")

        let messages = try smtp.messages()
        #expect(messages.count == 3)
        for message in messages {
            #expect(message.text.replacingOccurrences(of: "\r\n ", with: " ").hasPrefix(
                "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=casewatch.example.org; s=cw2026;"))
            #expect(message.text.contains("\r\nSubject: =?UTF-8?"))
            #expect(message.text.contains("\r\nList-Id: CaseWatch alerts <alerts.casewatch.example.org>\r\n"))
        }

        let check = try workspace.run(["check"])
        #expect(check.status == 0, "\(check.output)")
        let records = Self.records(in: check.stdout)
        #expect(records.count == (ed25519 ? 2 : 1), "\(check.stdout)")
        #expect(records.first?.hasPrefix("cw2026._domainkey.casewatch.example.org=v=DKIM1; k=rsa; p=MII") == true)
        if ed25519 {
            #expect(records.last?.hasPrefix("cw2026-ed25519._domainkey.casewatch.example.org=v=DKIM1; k=ed25519; p=")
                        == true)
        }
        for line in try Self.pemBody(rsaKey) + (try edKey.map(Self.pemBody) ?? []) {
            #expect(!check.output.contains(line), "no private key material in check's output")
            #expect(!run.output.contains(line))
        }

        let files = (0..<3).map { smtp.spool.appendingPathComponent("\($0).eml").path }
        let (status, output) = try TestKeys.python("dkim_verify.py", records.map { "--record=\($0)" } + files)
        #expect(status == 0, "\(output)")
        let results = try output.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(results.count == 3)
        for result in results {
            let signatures = try #require(result["signatures"] as? [[String: Any]])
            #expect(signatures.map { $0["algorithm"] as? String }
                        == (ed25519 ? ["rsa-sha256", "ed25519-sha256"] : ["rsa-sha256"]))
            #expect(signatures.allSatisfy { $0["verified"] as? Bool == true }, "\(signatures)")
            let headers = try #require(signatures.first?["headers"] as? [String])
            #expect(Set(["from", "to", "subject", "date", "message-id", "list-id", "list-unsubscribe",
                         "list-unsubscribe-post"]).isSubset(of: headers), "\(headers)")
        }
    }

    @Test("check validates DKIM keys: world-readable warned, short key and ed25519 alone refused; file transport signs")
    func checkedKeys() throws {
        let workspace = try DeliveryWorkspace(smtp: nil)
        let rsaKey = try TestKeys.rsa(in: workspace.directory)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: rsaKey.path)
        try configure(workspace, email: Self.dkimBlock(ed25519: false))
        try workspace.addEmailSubscriber("reader", address: "reader@example.org", language: "ru")
        let check = try workspace.run(["check"])
        #expect(check.status == 0, "\(check.output)")
        #expect(check.stderr.contains("warning: email.dkim.key_file: dkim-rsa.pem is readable by every user"),
                "\(check.stderr)")
        let records = Self.records(in: check.stdout)
        #expect(records.count == 1)

        // The file transport writes what SMTP would have sent: signed.
        #expect(try workspace.run().status == 0)
        try workspace.moveCase()
        #expect(try workspace.run().status == 0)
        let mail = workspace.directory.url.appendingPathComponent("var/mail")
        let files = try FileManager.default.contentsOfDirectory(atPath: mail.path).filter { $0.hasSuffix(".eml") }
        #expect(files.count == 1)
        let (status, output) = try TestKeys.python("dkim_verify.py", records.map { "--record=\($0)" }
                                                   + files.map { mail.appendingPathComponent($0).path })
        #expect(status == 0, "\(output)")

        // A 1024-bit key: refused, naming the file, line and field.
        _ = try TestKeys.rsa(1024, in: workspace.directory, name: "dkim-small.pem")
        let config = try workspace.directory.read("casewatch.yml")
        try workspace.directory.write("casewatch.yml", config.replacingOccurrences(of: "key_file: dkim-rsa.pem",
                                                                                   with: "key_file: dkim-small.pem"))
        let small = try workspace.run(["check"])
        #expect(small.status == 65, "\(small.output)")
        #expect(small.stderr.contains(#/casewatch\.yml:\d+: email\.dkim\.key_file: dkim-small\.pem is a 1024-bit RSA key: DKIM needs 2048 bits/#),
                "\(small.stderr)")
        #expect(!small.stdout.contains("_domainkey"))

        // ed25519 alone: refused.
        _ = try TestKeys.ed25519(in: workspace.directory)
        try workspace.directory.write("casewatch.yml", config.replacingOccurrences(
            of: Self.dkimBlock(ed25519: false), with: Self.dkimBlock(ed25519: true, keyFile: nil)))
        let alone = try workspace.run(["check"])
        #expect(alone.status == 65, "\(alone.output)")
        #expect(alone.stderr.contains("email.dkim.key_file: is required beside ed25519_key_file"), "\(alone.stderr)")
    }

    @Test("a webhook signing key adds v1a, verified by Python on what the receiver got; subscribers show prints whpk_")
    func webhookSigningKey() throws {
        let receiver = try HTTPReceiver()
        let workspace = try DeliveryWorkspace(smtp: nil)
        let seed = Data((0..<32).map { _ in UInt8.random(in: 0...255) })
        let signingKey = "whsk_" + seed.base64EncodedString()
        try workspace.directory.write("subscribers/coe.yaml", """
            id: coe
            name: System coe
            language: fr
            webhook:
              url: \(receiver.url)/casewatch
              secret_env: HOOK_SECRET
              signing_key_env: HOOK_SIGNING_KEY

            """)
        var casewatch = workspace.casewatch
        casewatch.environment["HOOK_SIGNING_KEY"] = signingKey
        #expect(try casewatch.run(["check"]).status == 0)
        #expect(try casewatch.run(["run", "--once"]).status == 0)
        try workspace.moveCase()
        let run = try casewatch.run(["run", "--once"])
        #expect(run.status == 0, "\(run.output)")
        #expect(!run.output.contains(seed.base64EncodedString()))

        let show = try casewatch.run(["subscribers", "show", "coe"])
        #expect(show.status == 0, "\(show.output)")
        let publicKey = try #require(show.stdout.split(separator: " ").first { $0.hasPrefix("whpk_") }.map(String.init))
        #expect(publicKey == WebhookSigningKey(signingKey)?.publicKeyText)
        #expect(!show.output.contains(seed.base64EncodedString()) && !show.output.contains("whsk_"))

        let request = try #require(try receiver.requests().first)
        let signature = try #require(request.headers["webhook-signature"])
        let entries = signature.split(separator: " ")
        #expect(entries.count == 2 && entries[0].hasPrefix("v1,") && entries[1].hasPrefix("v1a,"), "\(signature)")
        let input = try JSONSerialization.data(withJSONObject: [[
            "public_key": publicKey, "id": request.headers["webhook-id"] ?? "",
            "timestamp": request.headers["webhook-timestamp"] ?? "", "signature": signature, "body": request.body,
        ]])
        let (status, output) = try TestKeys.python("webhook_verify.py", [], input: input)
        #expect(status == 0, "\(output)")

        // The HMAC entry is still right.
        let id = try #require(request.headers["webhook-id"])
        let timestamp = try #require(request.headers["webhook-timestamp"].flatMap(Int.init))
        let expected = WebhookSignature.sign(id: id, timestamp: timestamp, body: Array(request.body.utf8),
                                             secret: WebhookSecret(DeliveryWorkspace.webhookSecret)!)
        #expect(entries[0] == "v1,\(expected)")
    }

    @Test("check refuses a webhook secret under 24 bytes, naming file, line and field, with the reason")
    func shortSecret() throws {
        let workspace = try DeliveryWorkspace(smtp: nil)
        try workspace.addWebhookSubscriber("coe", url: "https://hooks.example.org/casewatch")
        var casewatch = workspace.casewatch
        let short = "whsec_" + Data(repeating: 5, count: 16).base64EncodedString()
        casewatch.environment["HOOK_SECRET"] = short
        let check = try casewatch.run(["check"])
        #expect(check.status == 65, "\(check.output)")
        #expect(check.stderr.contains("subscribers/coe.yaml:6: webhook.secret_env: the secret in $HOOK_SECRET is too "
                                      + "short: its key has 16 bytes, and Standard Webhooks asks for at least 24"),
                "\(check.stderr)")
        #expect(!check.output.contains(short))
    }
}
