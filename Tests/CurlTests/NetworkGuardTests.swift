import CaseWatchTesting
import Curl
import Testing

@Suite("The network guard's judgement of addresses")
struct AddressClassificationTests {
    @Test("URL hosts in every numeric form resolvers accept are read as the address they are", arguments: [
        ("127.0.0.1", "127.0.0.1"), ("2130706433", "127.0.0.1"), ("0x7f.1", "127.0.0.1"), ("127.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"), ("0x7F000001", "127.0.0.1"), ("127.0.1", "127.0.0.1"), ("10.1", "10.0.0.1"),
        ("127.0.0.1.", "127.0.0.1"), ("[::1]", "::1"), ("[::ffff:127.0.0.1]", "::ffff:127.0.0.1"),
        ("[fe80::1%25eth0]", "fe80::1"), ("0", "0.0.0.0"),
    ])
    func urlHosts(host: String, address: String) {
        #expect(IPAddress(urlHost: host)?.description == address)
    }

    @Test("names, and numbers out of range, are not addresses", arguments: [
        "example.org", "127.mail.example.org", "localhost", "256.0.0.1", "4294967296", "1.2.3.4.5", "0x7g.1",
        "1..1", "[example.org]", "[127.0.0.1]", "08.0.0.1", "",
    ])
    func names(host: String) {
        #expect(IPAddress(urlHost: host) == nil)
    }

    @Test("special-purpose addresses are named for what they are; public ones are not special", arguments: [
        ("127.0.0.1", SpecialUse?.some(.loopback)), ("127.255.255.254", .loopback), ("10.0.0.5", .private),
        ("172.16.0.1", .private), ("172.31.255.255", .private), ("172.32.0.1", nil), ("192.168.1.1", .private),
        ("169.254.169.254", .linkLocal), ("100.64.0.1", .sharedAddressSpace), ("100.127.255.255", .sharedAddressSpace),
        ("100.128.0.1", nil), ("224.0.0.1", .multicast), ("239.255.255.250", .multicast), ("0.0.0.0", .unspecified),
        ("0.1.2.3", .unspecified), ("240.0.0.1", .reserved), ("255.255.255.255", .broadcast),
        ("192.0.2.10", .documentation), ("198.51.100.1", .documentation), ("203.0.113.9", .documentation),
        ("198.18.0.1", .reserved), ("192.0.0.8", .reserved), ("8.8.8.8", nil), ("1.1.1.1", nil),
        ("93.184.216.34", nil), ("::1", .loopback), ("::", .unspecified), ("fe80::1", .linkLocal),
        ("febf::1", .linkLocal), ("fc00::1", .uniqueLocal), ("fd12:3456::1", .uniqueLocal), ("ff02::1", .multicast),
        ("2001:db8::1", .documentation), ("::ffff:127.0.0.1", .loopback), ("::ffff:10.0.0.1", .private),
        ("::ffff:169.254.169.254", .linkLocal), ("::ffff:8.8.8.8", nil), ("::127.0.0.1", .loopback),
        ("64:ff9b::7f00:1", .loopback), ("64:ff9b::808:808", nil), ("2002:7f00:1::", .loopback),
        ("2002:808:808::1", nil), ("2606:4700:4700::1111", nil), ("2a00:1450:4001::200e", nil),
    ])
    func specialUse(text: String, use: SpecialUse?) throws {
        let address = try #require(IPAddress(text))
        #expect(SpecialUse.of(address) == use, "\(text)")
    }

    @Test("CIDR blocks hold their addresses, and an IPv4 block its IPv6 forms", arguments: [
        ("127.0.0.0/8", "127.0.0.1", true), ("127.0.0.0/8", "128.0.0.1", false), ("127.0.0.0/8", "::ffff:127.0.0.1", true),
        ("127.0.0.0/8", "::1", false), ("::1/128", "::1", true), ("::1/128", "127.0.0.1", false),
        ("10.0.0.5", "10.0.0.5", true), ("10.0.0.5", "10.0.0.6", false), ("172.16.0.0/12", "172.31.0.1", true),
        ("172.16.0.0/12", "172.32.0.1", false), ("fd00::/8", "fd12::1", true), ("fd00::/8", "fc00::1", false),
        ("0.0.0.0/0", "8.8.8.8", true), ("0.0.0.0/0", "::1", false), ("::/0", "::1", true),
        ("192.168.0.0/23", "192.168.1.255", true), ("192.168.0.0/23", "192.168.2.0", false),
    ])
    func ranges(block: String, text: String, inside: Bool) throws {
        let range = try AddressRange(block)
        #expect(range.contains(try #require(IPAddress(text))) == inside, "\(block) ∋ \(text)")
    }

    @Test("a CIDR block that is not one says why", arguments: [
        ("10.0.0.0/33", "has no valid prefix length (0 to 32 for an IPv4 address)"),
        ("10.0.0.1/8", "has bits set after its prefix (did you mean 10.0.0.0/8?)"),
        ("fd00::1/8", "has bits set after its prefix (did you mean fd00::/8?)"),
        ("localhost", "is not a CIDR block"), ("127.1/8", "is not a CIDR block"), ("10.0.0.0/x", "no valid prefix"),
        ("::1/129", "0 to 128 for an IPv6 address"),
    ])
    func badRanges(block: String, reason: String) {
        #expect {
            _ = try AddressRange(block)
        } throws: { error in
            "\(error)".contains(reason)
        }
    }

    @Test("refusals: special addresses unless allowed, plain http:// only to allowed addresses")
    func refusals() throws {
        let strict = NetworkGuard()
        let local = NetworkGuard(allowing: [try AddressRange("127.0.0.0/8")])
        let loopback = try #require(IPAddress("127.0.0.1"))
        let mapped = try #require(IPAddress("::ffff:127.0.0.1"))
        let public4 = try #require(IPAddress("93.184.216.34"))
        #expect(strict.refusal(of: loopback, plainHTTP: false)?.reason == .specialUse(.loopback))
        #expect(strict.refusal(of: mapped, plainHTTP: false)?.reason == .specialUse(.loopback))
        #expect(strict.refusal(of: public4, plainHTTP: false) == nil)
        #expect(strict.refusal(of: public4, plainHTTP: true)?.reason == .plainHTTP)
        #expect(local.refusal(of: loopback, plainHTTP: true) == nil)
        #expect(local.refusal(of: mapped, plainHTTP: false) == nil)
        #expect(local.refusal(of: try #require(IPAddress("::1")), plainHTTP: false)?.reason == .specialUse(.loopback))
        #expect("\(strict.refusal(of: loopback, plainHTTP: false)!)"
                == "refused by the network guard: 127.0.0.1 is loopback (network.allow_private does not allow it)")
        #expect("\(strict.refusal(of: mapped, plainHTTP: false)!)" == "refused by the network guard: ::ffff:127.0.0.1 "
                + "(127.0.0.1) is loopback (network.allow_private does not allow it)")
    }

    @Test("URLs judged before resolving: addresses in any form, localhost, and http:// to names", arguments: [
        ("https://127.0.0.1/hook", "127.0.0.1 is loopback"),
        ("http://10.0.0.5/", "10.0.0.5 is private"),
        ("http://2130706433:8080/", "2130706433 (127.0.0.1) is loopback"),
        ("https://0x7f.1/", "0x7f.1 (127.0.0.1) is loopback"),
        ("https://user@[::ffff:169.254.169.254]:443/x", "::ffff:169.254.169.254 (169.254.169.254) is link-local"),
        ("https://localhost:8443/", "localhost (127.0.0.1) is loopback"),
        ("http://hooks.example.org/", "http:// to hooks.example.org, which network.allow_private does not allow"),
        ("http://93.184.216.34/", "http:// to 93.184.216.34"),
        ("https://hooks.example.org/casewatch", nil), ("https://93.184.216.34/", nil),
        ("HTTPS://[2606:4700:4700::1111]/", nil),
    ])
    func urls(url: String, refusal: String?) {
        let found = NetworkGuard().refusal(ofURL: url).map { "\($0)" }
        if let refusal {
            #expect(found?.contains(refusal) == true, "\(found ?? "nil")")
        } else {
            #expect(found == nil)
        }
    }

    @Test("allowed blocks let literal addresses and plain http:// through")
    func allowedURLs() throws {
        let rules = NetworkGuard(allowing: [try AddressRange("127.0.0.0/8"), try AddressRange("10.0.0.0/8")])
        #expect(rules.refusal(ofURL: "http://127.0.0.1:9000/hook") == nil)
        #expect(rules.refusal(ofURL: "http://127.1:9000/hook") == nil)
        #expect(rules.refusal(ofURL: "http://10.0.0.5/") == nil)
        #expect(rules.refusal(ofURL: "http://localhost:9000/") == nil)
        #expect(rules.refusal(ofURL: "https://192.168.1.1/")?.reason == .specialUse(.private))
        #expect(rules.refusal(ofURL: "http://hooks.internal/")?.reason == .plainHTTP)
    }
}

@Suite("The network guard at connect time, against a real receiver on 127.0.0.1", .serialized)
struct ConnectGuardTests {
    static let loopback = NetworkGuard(allowing: [try! AddressRange("127.0.0.0/8")])

    @Test("127.0.0.0/8 allowed: the request goes through, over plain http:// too")
    func allowed() throws {
        let receiver = try HTTPReceiver(script: ["201"])
        let response = try EasyHandle().perform(HTTPRequest(method: .post, url: receiver.url + "/hook", body: [1],
                                                            network: Self.loopback))
        #expect(response.status == 201)
        #expect(try receiver.requests().count == 1)
    }

    @Test("localhost with only 127.0.0.0/8 allowed: ::1 is refused, 127.0.0.1 taken")
    func localhostAllowed() throws {
        let receiver = try HTTPReceiver()
        let port = receiver.url.split(separator: ":").last!
        let response = try EasyHandle().perform(HTTPRequest(method: .post, url: "http://localhost:\(port)/hook",
                                                            body: [1], network: Self.loopback))
        #expect(response.status == 204)
    }

    @Test("numeric disguises of 127.0.0.1 and names that resolve to it are refused when connecting", arguments: [
        "127.0.0.1", "2130706433", "0x7f.1", "127.1", "0177.0.0.1", "localhost", "[::ffff:127.0.0.1]",
    ])
    func disguises(host: String) throws {
        let receiver = try HTTPReceiver()
        let port = receiver.url.split(separator: ":").last!
        let handle = try EasyHandle()
        for scheme in ["http", "https"] {
            #expect {
                _ = try handle.perform(HTTPRequest(method: .post, url: "\(scheme)://\(host):\(port)/hook", body: [1],
                                                   connectTimeout: 2, network: NetworkGuard()))
            } throws: { error in
                guard let refusal = error as? NetworkRefusal else { return false }
                return "\(refusal)".hasPrefix("refused by the network guard: ")
                    && "\(refusal)".contains("is loopback (") && "\(refusal)".contains("network.allow_private")
            }
        }
        #expect(try receiver.requests().isEmpty)
    }

    @Test("a handle that was refused still works for an allowed request, and without a guard as before")
    func handleReuse() throws {
        let receiver = try HTTPReceiver()
        let handle = try EasyHandle()
        #expect(throws: NetworkRefusal.self) {
            _ = try handle.perform(HTTPRequest(method: .post, url: receiver.url, body: [1], network: NetworkGuard()))
        }
        #expect(try handle.perform(HTTPRequest(method: .post, url: receiver.url, body: [1], network: Self.loopback))
            .status == 204)
        #expect(try handle.perform(HTTPRequest(method: .post, url: receiver.url, body: [1])).status == 204)
        #expect(try receiver.requests().count == 2)
    }
}
