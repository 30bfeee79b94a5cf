import CaseWatchTesting
import Curl
import Testing

@Suite("HTTP over libcurl, against a real receiver")
struct HTTPTransferTests {
    @Test("a POST arrives byte for byte with its headers, and the status comes back")
    func post() throws {
        let receiver = try HTTPReceiver(script: ["201"])
        let handle = try EasyHandle()
        let body = Array(#"{"type":"case.status_changed","name":"Мемориал"}"#.utf8)
        let response = try handle.perform(HTTPRequest(
            method: .post, url: receiver.url + "/hook", headers: [("content-type", "application/json"), ("webhook-id", "msg_1")],
            body: body))
        #expect(response.status == 201)
        let request = try #require(try receiver.requests().first)
        #expect(request.method == "POST" && request.path == "/hook")
        #expect(Array(request.body.utf8) == body)
        #expect(request.headers["webhook-id"] == "msg_1")
        #expect(request.headers["content-type"] == "application/json")
    }

    @Test("redirects are returned, not followed, and Retry-After is readable")
    func noRedirects() throws {
        let receiver = try HTTPReceiver(script: ["redirect", "429 retry-after=7"])
        let handle = try EasyHandle()
        let first = try handle.perform(HTTPRequest(method: .post, url: receiver.url + "/hook", body: [1]))
        #expect(first.status == 302)
        #expect(first.header("location") == "/elsewhere")
        let second = try handle.perform(HTTPRequest(method: .post, url: receiver.url + "/hook", body: [1]))
        #expect(second.status == 429)
        #expect(second.header("Retry-After") == "7")
        #expect(try receiver.requests().count == 2)
    }

    @Test("a receiver that never answers times out with a curl error that says so")
    func timeout() throws {
        let receiver = try HTTPReceiver(script: ["sleep=30"])
        let handle = try EasyHandle()
        #expect {
            _ = try handle.perform(HTTPRequest(method: .post, url: receiver.url, body: [1], timeout: 0.5))
        } throws: { error in
            (error as? CurlError)?.isTimeout == true
        }
    }

    @Test("a closed port is a connect failure")
    func refused() throws {
        let receiver = try HTTPReceiver()
        let url = receiver.url
        receiver.stop()
        let handle = try EasyHandle()
        #expect {
            _ = try handle.perform(HTTPRequest(method: .post, url: url, body: [1], connectTimeout: 2))
        } throws: { error in
            (error as? CurlError)?.isConnectFailure == true
        }
    }
}
