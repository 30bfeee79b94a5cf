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

@Suite("Standard Webhooks signing")
struct WebhookSignatureTests {
    @Test("the specification's published vector")
    func vector() throws {
        let secret = try #require(WebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        let headers = WebhookSignature.headers(
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: Array(#"{"test": 2432232314}"#.utf8),
            secrets: [secret])
        #expect(headers.first { $0.name == "webhook-signature" }?.value == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        #expect(headers.first { $0.name == "webhook-id" }?.value == "msg_p5jXN8AQM9LWM0D4loKWxJek")
        #expect(headers.first { $0.name == "webhook-timestamp" }?.value == "1614265330")
    }

    @Test("during a rotation every secret signs, space-separated")
    func rotation() throws {
        let secrets = WebhookSecret.all(in: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw whsec_" + Data(repeating: 7, count: 24).base64EncodedString())
        #expect(secrets.count == 2)
        let value = try #require(WebhookSignature.headers(id: "msg_1", timestamp: 1, body: [], secrets: secrets)
            .first { $0.name == "webhook-signature" }?.value)
        let entries = value.split(separator: " ")
        #expect(entries.count == 2 && entries.allSatisfy { $0.hasPrefix("v1,") } && entries[0] != entries[1])
    }

    @Test("malformed secrets are refused", arguments: ["", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_***", "whsec_c2hvcnQ="])
    func malformed(text: String) {
        #expect(WebhookSecret(text) == nil)
    }

    @Test("the webhook-id is one per event and subscriber, new for a replay")
    func messageIDs() {
        let a = WebhookSignature.messageID(eventID: "evt_1", subscriberID: "coe")
        #expect(a == WebhookSignature.messageID(eventID: "evt_1", subscriberID: "coe"))
        #expect(a != WebhookSignature.messageID(eventID: "evt_1", subscriberID: "osce"))
        #expect(a != WebhookSignature.messageID(eventID: "evt_1", subscriberID: "coe", generation: 1))
        #expect(a.hasPrefix("msg_"))
    }
}
