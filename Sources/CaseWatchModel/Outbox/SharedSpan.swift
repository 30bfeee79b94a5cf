/// Octets that many outbox payloads repeat — one alert's body, sent to a whole audience — made once and pointed at
/// by each payload. A class, because identity is what tells a store that two payloads share them.
package protocol SharedOctets: AnyObject, Sendable {
    var bytes: [UInt8] { get }
}

/// Where a payload repeats shared octets: its octets `offset ..< offset + count` are `octets.bytes[0 ..< count]`.
///
/// Only a hint for storage (a store may keep the shared octets once and each payload's own octets around them);
/// what is sent is always the whole payload.
package struct SharedSpan: Sendable {
    package let octets: any SharedOctets
    package let offset: Int
    package let count: Int

    package init(octets: any SharedOctets, offset: Int, count: Int) {
        self.octets = octets
        self.offset = offset
        self.count = count
    }
}
