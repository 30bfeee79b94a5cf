import CaseWatchModel
import Testing

/// How screens and reports show an endpoint: never a path, query or user info that may hold a receiver's secret.
@Suite("Endpoints as shown")
struct EndpointDisplayTests {
    @Test("a URL shows its origin and a digest of the rest; anything else shows as written")
    func shown() {
        let slack = EndpointAddress.shown("https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX")
        #expect(slack.hasPrefix("https://hooks.slack.com/…#") && slack.count == "https://hooks.slack.com/…#".count + 8)
        #expect(!slack.contains("XXXX") && !slack.contains("services"))
        let other = EndpointAddress.shown("https://hooks.slack.com/services/T000/B000/YYYYYYYYYYYYYYYYYYYYYYYY")
        #expect(other != slack)  // two endpoints of one host stay apart
        let query = EndpointAddress.shown("https://user:pass@example.org:8443/hook?token=s3cret")
        #expect(query.hasPrefix("https://example.org:8443/…#") && !query.contains("s3cret") && !query.contains("pass"))
        #expect(EndpointAddress.shown("https://example.org") == "https://example.org/")
        #expect(EndpointAddress.shown("alerts@example.org") == "alerts@example.org")
        #expect(EndpointAddress.shown("-1001234567890") == "-1001234567890")
    }
}
