import CaseWatchTesting
import Curl
import Foundation
import Testing

/// HTTP transfers driven together by libcurl's multi interface, against a real receiver.
@Suite("HTTP on libcurl's multi interface")
struct HTTPEventLoopTests {
    @Test("forty requests submitted at once from several threads all arrive once, each with its own answer")
    func manyAtOnce() throws {
        let receiver = try HTTPReceiver(script: (0..<40).map { $0 % 4 == 0 ? "503" : "204 sleep=0.02" })
        let loop = HTTPEventLoop.loop(for: receiver.url)
        let statuses = StatusLog()
        DispatchQueue.concurrentPerform(iterations: 40) { index in
            let request = HTTPRequest(method: .post, url: receiver.url + "/hook/\(index)",
                                      headers: [("webhook-id", "msg_\(index)")], body: Array("{\"n\":\(index)}".utf8))
            statuses.add((try? loop.perform(request))?.status ?? -1)
        }
        let requests = try receiver.requests()
        #expect(requests.count == 40)
        #expect(Set(requests.compactMap { $0.headers["webhook-id"] }).count == 40)
        #expect(statuses.all.sorted() == (Array(repeating: 204, count: 30) + Array(repeating: 503, count: 10)).sorted())
    }

    @Test("the network guard holds on the multi interface too: a refused address is refused, and nothing is sent")
    func guardHolds() throws {
        let receiver = try HTTPReceiver()
        let loop = HTTPEventLoop.loop(for: receiver.url)
        #expect(throws: NetworkRefusal.self) {
            try loop.perform(HTTPRequest(method: .post, url: receiver.url + "/hook", body: [1], network: NetworkGuard()))
        }
        // The same handle serves the next request, which the guard allows.
        let allowed = NetworkGuard(allowing: [try AddressRange("127.0.0.0/8")])
        let response = try loop.perform(HTTPRequest(method: .post, url: receiver.url + "/hook", body: [1],
                                                    network: allowed))
        #expect(response.status == 204)
        #expect(try receiver.requests().count == 1)
    }
}

private final class StatusLog: @unchecked Sendable {  // `statuses` is guarded by `lock`
    private let lock = NSLock()
    private var statuses: [Int] = []

    func add(_ status: Int) { lock.withLock { statuses.append(status) } }
    var all: [Int] { lock.withLock { statuses } }

    @Test("transfers driven by their own thread: twelve at once over at most three connections, each completion on that thread once; a waker ends a wait early")
    func drivenByTheCaller() throws {
        let receiver = try HTTPReceiver(script: Array(repeating: "204 sleep=0.05", count: 12))
        let transfers = try HTTPTransfers(maxHostConnections: 3)
        let owner = Thread.current
        var statuses: [Int] = []
        var onOwner = true
        for index in 0..<12 {
            transfers.start(HTTPRequest(method: .post, url: receiver.url + "/hook/\(index)", body: [1])) { answer in
                onOwner = onOwner && Thread.current == owner
                statuses.append((try? answer.get())?.status ?? -1)
            }
        }
        #expect(transfers.count == 12)
        var rounds = 0
        while transfers.count > 0, rounds < 1_000 {
            transfers.drive(waitingAtMost: 100)
            rounds += 1
        }
        #expect(statuses == Array(repeating: 204, count: 12))
        #expect(onOwner)
        let requests = try receiver.requests()
        #expect(requests.count == 12)
        #expect(Set(requests.map(\.clientPort)).count <= 3)

        // Nothing in flight: a drive waits its whole time unless woken from another thread.
        let waker = transfers.waker
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.1) { waker.wake() }
        let started = Date()
        transfers.drive(waitingAtMost: 10_000)
        #expect(Date().timeIntervalSince(started) < 5)
    }
}
