/// A CIDR block, as `network.allow_private` lists them: `127.0.0.0/8`, `fd00::/8`, or one address (`10.0.0.5`, a /32
/// or /128).
///
/// An IPv4 block also holds the IPv6 forms that carry its addresses (`::ffff:127.0.0.1` is in `127.0.0.0/8`), since
/// a connection to either reaches the same host.
public struct AddressRange: Hashable, Sendable, CustomStringConvertible {
    public let network: IPAddress
    public let prefixLength: Int

    /// Why a text is not a CIDR block, said so that the operator can fix it.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    public init(_ text: String) throws(ParseError) {
        let trimmed = Substring(text).trimmingCharacters(in: " \t")
        let pieces = trimmed.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(String(pieces[0])) else {
            throw ParseError(reason: "\"\(text)\" is not a CIDR block (an address and a prefix length, like "
                             + "10.0.0.0/8 or fd00::/8)")
        }
        let bits = address.bytes.count * 8
        var length = bits
        if pieces.count == 2 {
            guard let value = Int(pieces[1]), (0...bits).contains(value), pieces[1].allSatisfy(\.isASCII) else {
                throw ParseError(reason: "\"\(text)\" has no valid prefix length (0 to \(bits) for an "
                                 + "\(address.isIPv4 ? "IPv4" : "IPv6") address)")
            }
            length = value
        }
        let masked = Self.mask(address.bytes, length)
        guard masked == address.bytes else {
            let suggestion = "\(IPAddress(bytes: masked)!)/\(length)"
            throw ParseError(reason: "\"\(text)\" has bits set after its prefix (did you mean \(suggestion)?)")
        }
        network = address
        prefixLength = length
    }

    /// Whether `address`, or the IPv4 address an IPv6 form of it carries, is in the block.
    public func contains(_ address: IPAddress) -> Bool {
        if address.bytes.count == network.bytes.count, Self.mask(address.bytes, prefixLength) == network.bytes {
            return true
        }
        if let embedded = address.embeddedIPv4, network.isIPv4 { return contains(embedded) }
        return false
    }

    public var description: String { "\(network)/\(prefixLength)" }

    private static func mask(_ bytes: [UInt8], _ length: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let kept = min(8, max(0, length - index * 8))
            return kept == 8 ? byte : byte & ~(UInt8(0xFF) >> kept)
        }
    }
}
