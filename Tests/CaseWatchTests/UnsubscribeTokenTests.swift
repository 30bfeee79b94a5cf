import CaseWatchApp
import CaseWatchChannels
import CaseWatchModel
import CaseWatchPipeline
import CaseWatchRendering
import CaseWatchSQLite
import CaseWatchSources
import CaseWatchStore
import CaseWatchTesting
import InputFormats
import Foundation
import Testing

@Suite("Unsubscribe tokens")
struct UnsubscribeTokenTests {
    let tokens = UnsubscribeToken(secret: "a secret from the environment")

    @Test("a genuine token names its subscriber; forged and altered ones name nobody")
    func verify() {
        let token = tokens.token(for: "ru-journalist")
        #expect(tokens.subscriberID(from: token) == "ru-journalist")
        #expect(tokens.subscriberID(from: token.replacingOccurrences(of: "ru-journalist", with: "coe-commissioner")) == nil)
        #expect(tokens.subscriberID(from: String(token.dropLast()) + (token.last == "a" ? "b" : "a")) == nil)
        #expect(tokens.subscriberID(from: "ru-journalist") == nil)
        #expect(UnsubscribeToken(secret: "another secret").subscriberID(from: token) == nil)
    }

    @Test("link keys rotate: the first signs, every one verifies, and the key generated before any was configured keeps verifying")
    func rotation() async throws {
        let store = MemoryStateStore()
        var configuration = Configuration(file: "casewatch.yml", baseDirectory: URL(fileURLWithPath: "/tmp"))
        configuration.http.tokenSecretEnv = "LINK_KEYS"
        // The quickstart: no key configured, one is generated and kept in the store.
        let generated = try await PipelineInputs.linkKeys(configuration, store, ProcessEnvironment([:]))
        #expect(generated.verifying == [generated.signing])
        let quickstartLink = UnsubscribeToken(keys: generated).token(for: "lawyer")
        // A key is configured: it signs; the generated one still verifies what it signed.
        let configured = try await PipelineInputs.linkKeys(configuration, store, ["LINK_KEYS": "key-one"])
        #expect(configured == LinkKeys(signing: "key-one", verifying: ["key-one", generated.signing]))
        let firstLink = UnsubscribeToken(keys: configured).token(for: "lawyer")
        // A rotation: the new key first, the old one after it.
        let rotated = try await PipelineInputs.linkKeys(configuration, store, ["LINK_KEYS": "key-two key-one"])
        #expect(rotated.signing == "key-two")
        let tokens = UnsubscribeToken(keys: rotated)
        #expect(tokens.subscriberID(from: quickstartLink) == "lawyer")
        #expect(tokens.subscriberID(from: firstLink) == "lawyer")
        #expect(tokens.subscriberID(from: tokens.token(for: "lawyer")) == "lawyer")
        #expect(tokens.token(for: "lawyer") != firstLink)
        // Dropping the old key ends its links, as the operator meant.
        let dropped = try await PipelineInputs.linkKeys(configuration, store, ["LINK_KEYS": "key-two"])
        #expect(UnsubscribeToken(keys: dropped).subscriberID(from: firstLink) == nil)
        #expect(UnsubscribeToken(keys: dropped).subscriberID(from: quickstartLink) == "lawyer")
    }

    @Test("a token made for one page is refused by the other")
    func purposes() {
        let keys = LinkKeys(signing: "k", verifying: ["k"])
        let unsubscribe = UnsubscribeToken(keys: keys, purpose: .unsubscribe)
        let preferences = UnsubscribeToken(keys: keys, purpose: .preferences)
        #expect(preferences.subscriberID(from: unsubscribe.token(for: "x")) == nil)
        #expect(preferences.url(baseURL: "https://a.example.org", subscriberID: "x")
            .hasPrefix("https://a.example.org/preferences?token=x."))
    }

    @Test("the link sits under the configured base URL")
    func url() {
        #expect(tokens.url(baseURL: "https://alerts.example.org/", subscriberID: "x")
            .hasPrefix("https://alerts.example.org/unsubscribe?token=x."))
    }
}
