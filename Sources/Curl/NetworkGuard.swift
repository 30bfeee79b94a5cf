/// Where requests made on someone else's behalf (a subscriber's webhook, a Matrix homeserver, the Telegram Bot API,
/// a registry feed or an official list) may connect: public addresses, and the blocks `network.allow_private` lists.
///
/// A URL names a host; what matters is the address libcurl connects to once the name is resolved, so the guard
/// judges that address, in libcurl's open-socket callback (see `EasyHandle+NetworkGuard.swift`): a name that
/// resolves, or is rebound, to 127.0.0.1 and numeric disguises such as `http://2130706433/` are refused there.
/// Plain `http://` is sent only to an address the allowed blocks hold, never across the internet.
public struct NetworkGuard: Sendable, Equatable {
    /// `network.allow_private`.
    public var allowed: [AddressRange]

    /// A guard that lets through public addresses and those in `allowed`.
    public init(allowing allowed: [AddressRange] = []) {
        self.allowed = allowed
    }

    /// Whether an allowed block holds `address`.
    public func allows(_ address: IPAddress) -> Bool {
        allowed.contains { $0.contains(address) }
    }

    /// Why a connection to `address` is refused; nil when it may be made. `plainHTTP` for an `http://` request,
    /// which only an allowed block's addresses may take.
    public func refusal(of address: IPAddress, plainHTTP: Bool) -> NetworkRefusal? {
        if allows(address) { return nil }
        if let use = SpecialUse.of(address) { return NetworkRefusal(address: address, reason: .specialUse(use)) }
        return plainHTTP ? NetworkRefusal(address: address, reason: .plainHTTP) : nil
    }

    /// What can be judged of `url` before any name is resolved: the refusal of a host that is an address (in any
    /// numeric form, or `localhost`), and of `http://` to a host that is not an allowed address. nil when the URL
    /// passes, or is judged only when connecting (a name over `https://`).
    public func refusal(ofURL url: String) -> NetworkRefusal? {
        guard let (scheme, host) = Self.schemeAndHost(of: url) else { return nil }
        let plainHTTP = scheme != "https"
        let lowered = host.lowercased()
        if lowered == "localhost" || lowered.hasSuffix(".localhost") || lowered == "localhost." {
            // RFC 6761: always the loopback interface, whatever a resolver would say.
            let loopback = IPAddress(bytes: [127, 0, 0, 1])!
            return allows(loopback) ? nil : NetworkRefusal(host: host, address: loopback, reason: .specialUse(.loopback))
        }
        if let address = IPAddress(urlHost: host) {
            let refusal = refusal(of: address, plainHTTP: plainHTTP)
            return refusal.map { NetworkRefusal(host: host, address: address, reason: $0.reason) }
        }
        return plainHTTP ? NetworkRefusal(host: host, address: nil, reason: .plainHTTP) : nil
    }

    /// The lowercased scheme and the host (brackets kept) of an absolute URL; nil when it has none.
    static func schemeAndHost(of url: String) -> (scheme: String, host: String)? {
        // Read as bytes: every delivery's URL passes here (twice), and Character comparisons cost more than the
        // transfer's own bookkeeping.
        let bytes = url.utf8
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let scheme = url[..<colon]
        var cursor = bytes.index(after: colon)
        for _ in 0..<2 {
            guard cursor < bytes.endIndex, bytes[cursor] == UInt8(ascii: "/") else { return nil }
            cursor = bytes.index(after: cursor)
        }
        var start = cursor
        var end = cursor
        while end < bytes.endIndex {
            let byte = bytes[end]
            if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#") { break }
            if byte == UInt8(ascii: "@") { start = bytes.index(after: end) }  // user information ends at the last @
            end = bytes.index(after: end)
        }
        var hostEnd = start
        if start < end, bytes[start] == UInt8(ascii: "[") {
            while hostEnd < end, bytes[hostEnd] != UInt8(ascii: "]") { hostEnd = bytes.index(after: hostEnd) }
            hostEnd = hostEnd < end ? bytes.index(after: hostEnd) : start
            if hostEnd == start {
                // No closing bracket: the host runs to the port's colon, as for any other.
                while hostEnd < end, bytes[hostEnd] != UInt8(ascii: ":") { hostEnd = bytes.index(after: hostEnd) }
            }
        } else {
            while hostEnd < end, bytes[hostEnd] != UInt8(ascii: ":") { hostEnd = bytes.index(after: hostEnd) }
        }
        let lowered = scheme.utf8.allSatisfy { !(UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }
            ? String(scheme) : scheme.lowercased()
        return (lowered, String(url[start..<hostEnd]))
    }
}

/// A connection the network guard did not let libcurl make: a permanent outcome (the same address would be refused
/// again), that says which address, why, and what would allow it.
public struct NetworkRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// A loopback, private, link-local… address that `network.allow_private` does not list.
        case specialUse(SpecialUse)
        /// `http://` to an address `network.allow_private` does not list (or to a name, judged before resolving).
        case plainHTTP
    }

    /// The URL's host, when it differs from the address's text (`2130706433`, `localhost`), or when no address is
    /// known yet.
    public let host: String?
    public let address: IPAddress?
    public let reason: Reason

    public init(host: String? = nil, address: IPAddress?, reason: Reason) {
        self.address = address
        self.reason = reason
        let shown = address.map { "\($0)" }
        self.host = host.flatMap { $0 == shown || $0 == shown.map { "[\($0)]" } ? nil : $0 }
    }

    public var description: String {
        // "127.0.0.1", "2130706433 (127.0.0.1)", "::ffff:127.0.0.1 (127.0.0.1)", "hooks.example.org".
        var subject = address.map { "\($0)" } ?? host ?? "?"
        if let host, address != nil { subject = "\(host) (\(subject))" }
        if let embedded = address?.embeddedIPv4, case .specialUse = reason {
            subject = host == nil ? "\(subject) (\(embedded))" : "\(subject.dropLast()), \(embedded))"
        }
        switch reason {
        case .specialUse(let use):
            return "refused by the network guard: \(subject) is \(use.phrase) "
                + "(network.allow_private does not allow it)"
        case .plainHTTP:
            return "refused by the network guard: http:// to \(subject), which network.allow_private does not allow "
                + "(plain http:// only to the addresses it lists; use https://)"
        }
    }
}
