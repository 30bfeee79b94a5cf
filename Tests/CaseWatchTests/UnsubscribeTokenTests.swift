import CaseWatchApp
import CaseWatchChannels
import CaseWatchModel
import CaseWatchPipeline
import CaseWatchRendering
import CaseWatchSQLite
import CaseWatchSources
import CaseWatchStore
import InputFormats
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

    @Test("the link sits under the configured base URL")
    func url() {
        #expect(tokens.url(baseURL: "https://alerts.example.org/", subscriberID: "x")
            .hasPrefix("https://alerts.example.org/unsubscribe?token=x."))
    }
}
