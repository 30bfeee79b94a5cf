/// Why an address is not a public host on the internet: the IANA special-purpose registries (RFC 6890 and its
/// updates), reduced to what the network guard names in its refusals.
public enum SpecialUse: String, Sendable, Equatable, CaseIterable {
    case loopback
    case `private` = "private"
    case linkLocal = "link-local"
    case sharedAddressSpace = "shared address space (CGNAT)"
    case multicast
    case unspecified
    case broadcast
    case documentation
    case uniqueLocal = "unique local (IPv6 ULA)"
    case reserved

    /// How a refusal says it: "127.0.0.1 is loopback", "… is in the shared address space (CGNAT)".
    public var phrase: String {
        switch self {
        case .sharedAddressSpace: "in the shared address space (CGNAT)"
        case .documentation: "reserved for documentation"
        case .broadcast: "the broadcast address"
        case .unspecified: "unspecified (this network)"
        default: rawValue
        }
    }

    /// What `address` is, nil for a public address. An IPv6 form that carries an IPv4 address (mapped, compatible,
    /// NAT64, 6to4) is what that IPv4 address is.
    public static func of(_ address: IPAddress) -> SpecialUse? {
        if address.isIPv4 { return ipv4(address.bytes) }
        if let embedded = address.embeddedIPv4 { return ipv4(embedded.bytes) }
        return ipv6(address.bytes)
    }

    private static let ipv4Blocks: [(block: [UInt8], length: Int, use: SpecialUse)] = [
        ([255, 255, 255, 255], 32, .broadcast),
        ([0, 0, 0, 0], 8, .unspecified),  // "this network"
        ([10, 0, 0, 0], 8, .private),
        ([100, 64, 0, 0], 10, .sharedAddressSpace),
        ([127, 0, 0, 0], 8, .loopback),
        ([169, 254, 0, 0], 16, .linkLocal),
        ([172, 16, 0, 0], 12, .private),
        ([192, 0, 0, 0], 24, .reserved),  // IETF protocol assignments
        ([192, 0, 2, 0], 24, .documentation),
        ([192, 88, 99, 0], 24, .reserved),  // the retired 6to4 relay anycast
        ([192, 168, 0, 0], 16, .private),
        ([198, 18, 0, 0], 15, .reserved),  // benchmarking
        ([198, 51, 100, 0], 24, .documentation),
        ([203, 0, 113, 0], 24, .documentation),
        ([224, 0, 0, 0], 4, .multicast),
        ([240, 0, 0, 0], 4, .reserved),
    ]

    private static let ipv6Blocks: [(block: [UInt8], length: Int, use: SpecialUse)] = [
        (bytes16([]), 128, .unspecified),
        (bytes16([], last: 1), 128, .loopback),
        (bytes16([0x00, 0x64, 0xFF, 0x9B, 0x00, 0x01]), 48, .reserved),  // local-use NAT64
        (bytes16([0x01, 0x00]), 64, .reserved),  // discard-only
        (bytes16([0x20, 0x01, 0x0D, 0xB8]), 32, .documentation),
        (bytes16([0x3F, 0xFF]), 20, .documentation),
        (bytes16([0xFC]), 7, .uniqueLocal),
        (bytes16([0xFE, 0x80]), 10, .linkLocal),
        (bytes16([0xFE, 0xC0]), 10, .private),  // the retired site-local block
        (bytes16([0xFF]), 8, .multicast),
        (bytes16([]), 8, .reserved),  // ::/8, beyond the forms handled above
    ]

    private static func bytes16(_ head: [UInt8], last: UInt8 = 0) -> [UInt8] {
        var bytes = head + [UInt8](repeating: 0, count: 16 - head.count)
        bytes[15] = last
        return bytes
    }

    private static func ipv4(_ bytes: [UInt8]) -> SpecialUse? {
        ipv4Blocks.first { matches(bytes, $0.block, $0.length) }?.use
    }

    private static func ipv6(_ bytes: [UInt8]) -> SpecialUse? {
        ipv6Blocks.first { matches(bytes, $0.block, $0.length) }?.use
    }

    private static func matches(_ bytes: [UInt8], _ block: [UInt8], _ length: Int) -> Bool {
        for index in 0..<bytes.count {
            let kept = min(8, max(0, length - index * 8))
            if kept == 0 { return true }
            let mask = ~(UInt8(0xFF) >> kept)
            if bytes[index] & mask != block[index] & mask { return false }
        }
        return true
    }
}
