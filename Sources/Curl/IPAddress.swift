#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address as its bytes in network order (4 or 16 of them).
///
/// Two readings of text: ``init(_:)`` takes the canonical forms only (`10.0.0.1`, `fd00::1`), as in a CIDR of
/// `network.allow_private`; ``init(urlHost:)`` reads a URL's host as resolvers and browsers do, numeric disguises
/// included (`2130706433`, `0x7f.1`, `127.1`, `0177.0.0.1`, `[::ffff:127.0.0.1]`), so that `check` can judge them.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// 4 bytes for IPv4, 16 for IPv6; nil for any other count.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// A dotted quad or an IPv6 address (without brackets), nothing else.
    public init?(_ text: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4.s_addr) { Array($0) }
            return
        }
        var v6 = in6_addr()
        if !text.contains("%"), inet_pton(AF_INET6, text, &v6) == 1 {
            bytes = withUnsafeBytes(of: &v6) { Array($0) }
            return
        }
        return nil
    }

    /// A URL's host when it is an address: `[IPv6]`, or IPv4 in any form `inet_aton` and the WHATWG URL standard
    /// accept (one to four parts, each decimal, octal with a leading 0, or hexadecimal with 0x; the last part fills
    /// the bytes that are left; one trailing dot). nil for a name.
    public init?(urlHost host: String) {
        if host.hasPrefix("["), host.hasSuffix("]") {
            var inner = String(host.dropFirst().dropLast())
            if let zone = inner.firstIndex(of: "%") { inner = String(inner[..<zone]) }
            guard let address = IPAddress(inner), address.isIPv6 else { return nil }
            self = address
            return
        }
        var parts = host.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count > 1, parts.last == "" { parts.removeLast() }
        guard (1...4).contains(parts.count) else { return nil }
        var numbers: [UInt64] = []
        for part in parts {
            guard let number = Self.number(part) else { return nil }
            numbers.append(number)
        }
        let last = numbers.removeLast()
        guard numbers.allSatisfy({ $0 <= 255 }), last < (UInt64(1) << (8 * (4 - numbers.count))) else { return nil }
        var value = last
        for (index, number) in numbers.enumerated() { value |= number << (8 * (3 - index)) }
        bytes = [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    /// One part of a numeric IPv4 host: `0x…` hexadecimal, `0…` octal, else decimal.
    private static func number(_ part: Substring) -> UInt64? {
        guard !part.isEmpty, part.count <= 32 else { return nil }
        let lower = part.lowercased()
        if lower.hasPrefix("0x") { return lower.count == 2 ? 0 : UInt64(lower.dropFirst(2), radix: 16) }
        if lower.hasPrefix("0"), lower.count > 1 { return UInt64(lower.dropFirst(), radix: 8) }
        return UInt64(lower, radix: 10)
    }

    public var isIPv4: Bool { bytes.count == 4 }
    public var isIPv6: Bool { bytes.count == 16 }

    /// The IPv4 address an IPv6 one carries and delivers to: IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible
    /// (`::a.b.c.d`, other than `::` and `::1`), NAT64's well-known prefix (`64:ff9b::/96`) and 6to4
    /// (`2002:AABB:CCDD::/48`). nil for IPv4 and for other IPv6 addresses.
    public var embeddedIPv4: IPAddress? {
        guard isIPv6 else { return nil }
        let head = bytes[0..<12]
        if head.elementsEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF])
            || head.elementsEqual([0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0])
        {
            return IPAddress(bytes: Array(bytes[12..<16]))
        }
        if head.allSatisfy({ $0 == 0 }), bytes[12..<16].contains(where: { $0 != 0 }),
           !bytes[12..<16].elementsEqual([0, 0, 0, 1])
        {
            return IPAddress(bytes: Array(bytes[12..<16]))
        }
        if bytes[0] == 0x20, bytes[1] == 0x02 { return IPAddress(bytes: Array(bytes[2..<6])) }
        return nil
    }

    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let family = isIPv4 ? AF_INET : AF_INET6
        let ok = bytes.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &buffer, socklen_t(buffer.count)) } != nil
        guard ok else { return bytes.map(String.init).joined(separator: ".") }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
