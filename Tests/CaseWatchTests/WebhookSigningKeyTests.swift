import CaseWatchChannels
import CaseWatchModel
import CaseWatchSources
import CaseWatchTesting
import Crypto
import Foundation
import Testing

/// Standard Webhooks' asymmetric signatures (`v1a`, Ed25519, `whsk_`/`whpk_` keys) and the 24-byte floor on secrets.
@Suite("Webhook signing keys and secrets")
struct WebhookSigningKeyTests {
    static let seed = Data((0..<32).map { UInt8($0 * 7 &+ 3) })
    static let signingKey = "whsk_" + seed.base64EncodedString()
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    @Test("whsk_ holds the 32-byte seed; whpk_ is the 32-byte public key")
    func keys() throws {
        let key = try #require(WebhookSigningKey(Self.signingKey))
        let expected = try Curve25519.Signing.PrivateKey(rawRepresentation: Self.seed).publicKey.rawRepresentation
        #expect(key.publicKeyText == "whpk_" + expected.base64EncodedString())
        #expect("\(key)" == "webhook signing key \(key.publicKeyText)")
        // The 64-byte form (seed, then public key) when its halves agree.
        #expect(WebhookSigningKey("whsk_" + (Self.seed + expected).base64EncodedString())?.publicKeyText
                    == key.publicKeyText)
        #expect(WebhookSigningKey("whsk_" + (Self.seed + Data(repeating: 1, count: 32)).base64EncodedString()) == nil)
    }

    @Test("what is not a whsk_ key is refused without repeating it", arguments: [
        "", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsk_***", "whsk_c2hvcnQ=", "whpk_" + seed.base64EncodedString(),
    ])
    func malformed(text: String) {
        #expect(WebhookSigningKey(text) == nil)
        let problems = WebhookSigningKey.problems(in: text)
        #expect(problems.count == 1 && !problems[0].contains(Self.seed.base64EncodedString()))
    }

    @Test("webhook-signature carries v1a beside the v1 entries, and Python's Ed25519 verifies it")
    func signatureHeader() throws {
        let key = try #require(WebhookSigningKey(Self.signingKey))
        let body = Array(#"{"id":"evt_1","summary":"Решение вступило в силу"}"#.utf8)
        let headers = WebhookSignature.headers(id: "msg_1", timestamp: 1_790_000_000, body: body,
                                               secrets: WebhookSecret.all(in: Self.secret), signingKey: key)
        let value = try #require(headers.first { $0.name == "webhook-signature" }?.value)
        let entries = value.split(separator: " ")
        #expect(entries.count == 2 && entries[0].hasPrefix("v1,") && entries[1].hasPrefix("v1a,"))
        let request: [String: Any] = ["public_key": key.publicKeyText, "id": "msg_1", "timestamp": "1790000000",
                                      "signature": value, "body": String(decoding: body, as: UTF8.self)]
        let input = try JSONSerialization.data(withJSONObject: [request])
        let (status, output) = try TestKeys.python("webhook_verify.py", [], input: input)
        #expect(status == 0, "\(output)")
        #expect(output.contains(#""verified": true"#))
        // Another body does not verify.
        let forged = try JSONSerialization.data(withJSONObject: [request.merging(["body": "{}"]) { $1 }])
        #expect(try TestKeys.python("webhook_verify.py", [], input: forged).0 == 1)
    }

    @Test("an entry names the secrets' variable and the signing key's; older entries name the secrets alone")
    func entryVariables() {
        let both = WebhookKeyVariables(secrets: "COE_SECRET", signingKey: "COE_SIGNING_KEY")
        #expect(both.entry == "COE_SECRET COE_SIGNING_KEY")
        #expect(WebhookKeyVariables(entry: both.entry) == both)
        #expect(WebhookKeyVariables(entry: "COE_SECRET") == WebhookKeyVariables(secrets: "COE_SECRET", signingKey: nil))
    }

    @Test("secrets under 24 bytes are refused, with the reason", arguments: [16, 20, 23])
    func shortSecrets(bytes: Int) {
        let text = "whsec_" + Data(repeating: 9, count: bytes).base64EncodedString()
        #expect(WebhookSecret(text) == nil)
        #expect(WebhookSecret.problems(in: text) == [
            "is too short: its key has \(bytes) bytes, and Standard Webhooks asks for at least 24 (make one with: "
                + "echo whsec_$(head -c 32 /dev/urandom | base64))",
        ])
        #expect(WebhookSecret("whsec_" + Data(repeating: 9, count: 24).base64EncodedString()) != nil)
    }

    func problems(_ text: String, environment: ProcessEnvironment) throws -> [String] {
        let directory = try TemporaryDirectory()
        try directory.write("subscribers/s.yaml", text)
        return SubscriberDirectory(displayPath: "subscribers/", url: directory.url.appendingPathComponent("subscribers"))
            .load(environment: environment).problems.map(\.description)
    }

    @Test("a subscriber file's short secret or bad signing key is refused naming file, line and field, not the value")
    func subscriberFiles() throws {
        let short = "whsec_" + Data(repeating: 9, count: 16).base64EncodedString()
        let file = "id: a\nname: A\nwebhook:\n  url: https://example.org/h\n  secret_env: S\n  signing_key_env: K\n"
        let found = try problems(file, environment: ["S": short, "K": Self.signingKey])
        #expect(found == ["subscribers/s.yaml:5: webhook.secret_env: the secret in $S is too short: its key has 16 "
                          + "bytes, and Standard Webhooks asks for at least 24 (make one with: "
                          + "echo whsec_$(head -c 32 /dev/urandom | base64))"])
        let badKey = try problems(file, environment: ["S": Self.secret, "K": "whsk_c2VjcmV0LWJ1dC1zaG9ydA=="])
        #expect(badKey.count == 1 && badKey[0].hasPrefix("subscribers/s.yaml:6: webhook.signing_key_env: the key in $K "))
        #expect(!badKey[0].contains("c2VjcmV0"))
        let unset = try problems(file, environment: ["S": Self.secret])
        #expect(unset == ["subscribers/s.yaml:6: webhook.signing_key_env: the environment variable K is not set"])
        #expect(try problems(file, environment: ["S": Self.secret, "K": Self.signingKey]).isEmpty)
        let spaced = try problems(file.replacingOccurrences(of: "signing_key_env: K", with: "signing_key_env: K L"),
                                  environment: ["S": Self.secret])
        #expect(spaced.count == 1 && spaced[0].contains("is not the name of an environment variable"))
    }
}
