/// The multipart boundary (RFC 2046 §5.1.1) of a message, derived from a seed so that the same message always
/// encodes to the same bytes.
///
/// Derived rather than random so a retried delivery resends identical bytes and tests can compare them; hashed so
/// it still looks random to a reader. It starts with `=_`, which no base64 line can contain (`_` is outside the
/// alphabet and `=` only pads the end), so it cannot occur in the encoded parts whatever they say. FNV-1a and
/// SplitMix64 are used because they are fixed algorithms: Swift's `Hasher` is seeded afresh in every process.
enum MIMEBoundary {
    /// `=_` and 32 lower-case hexadecimal digits.
    static func derived(from seed: String) -> [UInt8] {
        var state = seed.utf8.reduce(0xCBF2_9CE4_8422_2325 as UInt64) { hash, octet in
            (hash ^ UInt64(octet)) &* 0x0000_0100_0000_01B3
        }
        var boundary: [UInt8] = [UInt8(ascii: "="), UInt8(ascii: "_")]
        boundary.reserveCapacity(34)
        hex(splitMix(&state), into: &boundary)
        hex(splitMix(&state), into: &boundary)
        return boundary
    }

    /// One step of SplitMix64 (Steele, Lea and Flood, 2014): spreads every input bit over the whole output.
    private static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// The 16 hexadecimal digits of `value`, leading zeros included.
    private static func hex(_ value: UInt64, into bytes: inout [UInt8]) {
        for shift in stride(from: 60, through: 0, by: -4) {
            let digit = UInt8(truncatingIfNeeded: value >> UInt64(shift)) & 0xF
            bytes.append(digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10)
        }
    }
}
