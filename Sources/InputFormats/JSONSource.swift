import Foundation

/// A JSON reader that builds ``SourceNode`` trees straight from UTF-8 bytes, with the line of every
/// value, so JSON case files and feeds get the same `file:line: field:` messages as YAML.
///
/// Written for the registry's scale: no Foundation objects in between, and a top-level array is handed
/// over one element at a time (``forEachElement``), so a 100,000-case file is never held as one tree.
package struct JSONSource {
    private var bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private(set) var line = 1
    private var depth = 0
    /// Deeper nesting than any case needs is refused rather than followed into a stack overflow.
    private static let maximumDepth = InputLimits.nesting
    /// Keys whose values must be strings (`id`): a number or boolean under one is refused, as in YAML.
    private var textKeys: Set<String> = []

    package struct SyntaxError: Error {
        package let line: Int
        package let message: String
        /// The key whose value is wrong, when the text is well-formed JSON but a value is not of its kind.
        package var field: String? = nil
    }

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Parses a whole document.
    package static func parse(_ data: Data) throws(SyntaxError) -> SourceNode {
        var root: SourceNode = .null(line: 1)
        try forEachElement(data, topLevelArray: false) { node, _ in root = node }
        return root
    }

    /// Where the bytes are: all in memory, or a file streamed in a window at a time.
    package enum Input {
        case data(Data)
        case streamed(StreamedFile)
    }

    /// Calls `body` with each element of a top-level array and its index, or once with the document and
    /// no index when it is not an array (`topLevelArray` false: always once with the whole document).
    static func forEachElement(_ data: Data, topLevelArray: Bool = true, _ body: (SourceNode, Int?) -> Void)
        throws(SyntaxError)
    {
        try forEachElement(.data(data), topLevelArray: topLevelArray,
                           fastPath: { _, _ in nil as (value: Void, end: Int, newlines: Int)? }, accepted: { _, _, _ in }, body)
    }

    /// The same, with a fast path tried on each element first: `fastPath` reads the element from the
    /// bytes at an offset and returns its value, the offset it ended at and the line breaks it crossed,
    /// and `accepted` gets that value with the element's line and index. When it declines (nil), the
    /// element is read as a tree and handed to `body`, whose decoder says what is wrong and where.
    package static func forEachElement<Value>(
        _ input: Input, topLevelArray: Bool = true, textKeys: Set<String> = [],
        fastPath: (UnsafeBufferPointer<UInt8>, Int) -> (value: Value, end: Int, newlines: Int)?,
        accepted: (Value, _ line: Int, Int?) -> Void,
        _ body: (SourceNode, Int?) -> Void
    ) throws(SyntaxError) {
        switch input {
        case .data(let data):
            let result: Result<Void, SyntaxError> = data.withUnsafeBytes { raw in
                do throws(SyntaxError) {
                    try read(raw.bindMemory(to: UInt8.self), window: nil, topLevelArray: topLevelArray,
                             textKeys: textKeys, fastPath: fastPath, accepted: accepted, body)
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }
            try result.get()
        case .streamed(let file):
            try read(file.bytes, window: file, topLevelArray: topLevelArray, textKeys: textKeys, fastPath: fastPath,
                     accepted: accepted, body)
        }
    }

    private enum Element<Value> {
        case fast(Value, line: Int)
        case tree(SourceNode)
    }

    private static func read<Value>(
        _ bytes: UnsafeBufferPointer<UInt8>, window: StreamedFile?, topLevelArray: Bool, textKeys: Set<String>,
        fastPath: (UnsafeBufferPointer<UInt8>, Int) -> (value: Value, end: Int, newlines: Int)?,
        accepted: (Value, _ line: Int, Int?) -> Void,
        _ body: (SourceNode, Int?) -> Void
    ) throws(SyntaxError) {
        var reader = JSONSource(bytes)
        reader.textKeys = textKeys
        func element(_ index: Int?) throws(SyntaxError) {
            let element = try reader.streamed(window) { reader throws(SyntaxError) -> Element<Value> in
                reader.skipWhitespace()
                if let (value, end, newlines) = fastPath(reader.bytes, reader.index) {
                    let line = reader.line
                    reader.index = end
                    reader.line += newlines
                    return .fast(value, line: line)
                }
                return .tree(try reader.value())
            }
            switch element {
            case .fast(let value, let line): accepted(value, line, index)
            case .tree(let node): body(node, index)
            }
            window?.release(before: reader.index)
        }
        let isArray = try reader.streamed(window) { reader in
            reader.skipWhitespace()
            return topLevelArray && reader.peek == UInt8(ascii: "[")
        }
        if isArray {
            let arrayLine = reader.line
            reader.index += 1
            let isEmpty = try reader.streamed(window) { reader in
                reader.skipWhitespace()
                guard reader.peek == UInt8(ascii: "]") else { return false }
                reader.index += 1
                return true
            }
            var index = 0
            while !isEmpty {
                try element(index)
                index += 1
                let next = try reader.streamed(window) { reader throws(SyntaxError) in
                    reader.skipWhitespace()
                    guard let next = reader.take() else { throw reader.error("the array opened on line \(arrayLine) never closes") }
                    guard next == UInt8(ascii: "]") || next == UInt8(ascii: ",") else {
                        throw reader.error("expected , or ] between elements")
                    }
                    return next
                }
                if next == UInt8(ascii: "]") { break }
            }
        } else {
            try element(nil)
        }
        try reader.streamed(window) { reader throws(SyntaxError) in
            reader.skipWhitespace()
            guard reader.index == reader.bytes.count else { throw reader.error("unexpected text after the JSON value") }
        }
    }

    /// Runs one step of reading. When the file is streamed in and the step came near the end of what
    /// is in (where the bytes not read yet are zeros), it is run again from where it started, with more
    /// in: a step looks at most a few bytes past where it stops, so nothing it decided rests on a zero.
    private mutating func streamed<Result>(_ window: StreamedFile?, _ step: (inout JSONSource) throws(SyntaxError) -> Result)
        throws(SyntaxError) -> Result
    {
        guard let window else { return try step(&self) }
        let (startIndex, startLine, startDepth) = (index, line, depth)
        var ahead = window.step
        while true {
            window.load(through: startIndex + ahead)
            // A file cut short while it is read ends where reading ended, as a whole read of it would.
            if window.isComplete, window.loaded < bytes.count {
                bytes = UnsafeBufferPointer(rebasing: window.bytes[..<window.loaded])
            }
            do throws(SyntaxError) {
                let result = try step(&self)
                if window.isComplete || index + 16 <= window.loaded { return result }
            } catch {
                if window.isComplete || index + 16 <= window.loaded { throw error }
            }
            (index, line, depth) = (startIndex, startLine, startDepth)
            ahead *= 2
        }
    }

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func take() -> UInt8? {
        guard index < bytes.count else { return nil }
        defer { index += 1 }
        return bytes[index]
    }

    private func error(_ message: String) -> SyntaxError {
        SyntaxError(line: line, message: message)
    }

    private mutating func skipWhitespace() {
        index = bytes.skippingJSONWhitespace(from: index, lines: &line)
    }

    private mutating func value() throws(SyntaxError) -> SourceNode {
        skipWhitespace()
        let start = line
        switch peek {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .scalar(try string(), line: start)
        case UInt8(ascii: "t"): try literal("true"); return .scalar("true", line: start)
        case UInt8(ascii: "f"): try literal("false"); return .scalar("false", line: start)
        case UInt8(ascii: "n"): try literal("null"); return .null(line: start)
        case let byte? where byte == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte):
            return .scalar(try number(), line: start)
        case nil: throw error("the document ends where a value was expected")
        default: throw error("unexpected character where a value was expected")
        }
    }

    private mutating func enter() throws(SyntaxError) {
        depth += 1
        guard depth <= Self.maximumDepth else { throw error("nested deeper than \(Self.maximumDepth) levels") }
    }

    private mutating func object() throws(SyntaxError) -> SourceNode {
        let start = line
        index += 1
        try enter()
        defer { depth -= 1 }
        var entries: [(key: String, value: SourceNode)] = []
        skipWhitespace()
        if peek == UInt8(ascii: "}") {
            index += 1
            return .map(entries, line: start)
        }
        while true {
            skipWhitespace()
            guard peek == UInt8(ascii: "\"") else { throw error("expected a quoted key") }
            let key = try string()
            skipWhitespace()
            guard take() == UInt8(ascii: ":") else { throw error("expected : after the key \"\(key)\"") }
            if textKeys.contains(key) { try refuseTyped(key) }
            entries.append((key, try value()))
            skipWhitespace()
            switch take() {
            case UInt8(ascii: ","): continue
            case UInt8(ascii: "}"): return .map(entries, line: start)
            default: throw error("expected , or } after the value of \"\(key)\"")
            }
        }
    }

    /// Refuses a number or boolean as the value of `key`, which must be text.
    private mutating func refuseTyped(_ key: String) throws(SyntaxError) {
        skipWhitespace()
        guard let byte = peek else { return }
        let kind: String
        switch byte {
        case UInt8(ascii: "t"), UInt8(ascii: "f"): kind = "a boolean"
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): kind = "a number"
        default: return
        }
        let start = index
        var end = index
        while end < bytes.count, end - start < 40, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"),
              UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t")].contains(bytes[end]) {
            end += 1
        }
        let shown = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        var failure = error("\(shown) is \(kind), not an id: an id is text (a slug written as a JSON string)")
        failure.field = key
        throw failure
    }

    private mutating func array() throws(SyntaxError) -> SourceNode {
        let start = line
        index += 1
        try enter()
        defer { depth -= 1 }
        var items: [SourceNode] = []
        skipWhitespace()
        if peek == UInt8(ascii: "]") {
            index += 1
            return .list(items, line: start)
        }
        while true {
            items.append(try value())
            skipWhitespace()
            switch take() {
            case UInt8(ascii: ","): continue
            case UInt8(ascii: "]"): return .list(items, line: start)
            default: throw error("expected , or ] in the list opened on line \(start)")
            }
        }
    }

    private mutating func literal(_ word: StaticString) throws(SyntaxError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count,
              memcmp(bytes.baseAddress! + index, word.utf8Start, count) == 0
        else { throw error("unexpected word where a value was expected") }
        index += count
    }

    /// A number by JSON's grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    private mutating func number() throws(SyntaxError) -> String {
        let start = index
        func digits() -> Int {
            let from = index
            while let byte = peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { index += 1 }
            return index - from
        }
        if peek == UInt8(ascii: "-") { index += 1 }
        if peek == UInt8(ascii: "0") {
            index += 1
        } else if digits() == 0 {
            throw error("a number needs digits")
        }
        if peek == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw error("a number needs digits after its decimal point") }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            index += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw error("a number needs digits in its exponent") }
        }
        if let byte = peek, byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".")
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        {
            throw error("a malformed number")
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    private mutating func string() throws(SyntaxError) -> String {
        index += 1  // the opening quote
        let start = index
        // Fast path: no escapes, the bytes are the string.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                defer { index += 1 }
                return try utf8(UnsafeBufferPointer(rebasing: bytes[start..<index]))
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("a control character inside a string (write \\n, \\t…)") }
            index += 1
        }
        var scalars = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while let byte = take() {
            switch byte {
            case UInt8(ascii: "\""):
                return try scalars.withUnsafeBufferPointer { buffer throws(SyntaxError) in try utf8(buffer) }
            case UInt8(ascii: "\\"):
                guard let escape = take() else { break }
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(escape)
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0C)
                case UInt8(ascii: "n"): scalars.append(0x0A)
                case UInt8(ascii: "r"): scalars.append(0x0D)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    // A high surrogate combines only with a low one that follows as \uXXXX; anything else
                    // is a lone surrogate, written as U+FFFD, and what follows is read as usual.
                    if (0xD800..<0xDC00).contains(code), index + 6 <= bytes.count, bytes[index] == UInt8(ascii: "\\"),
                       bytes[index + 1] == UInt8(ascii: "u")
                    {
                        let saved = index
                        index += 2
                        let low = try hex4()
                        if (0xDC00..<0xE000).contains(low) {
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            index = saved
                        }
                    }
                    scalars.append(contentsOf: Array(String(Unicode.Scalar(code) ?? "\u{FFFD}").utf8))
                default: throw error("unknown escape \\\(Character(Unicode.Scalar(escape)))")
                }
            case 0..<0x20:
                throw error("a control character inside a string (write \\n, \\t…)")
            default:
                scalars.append(byte)
            }
        }
        throw error("a string never closes")
    }

    /// The bytes as text; invalid UTF-8 is an error, as it is in YAML files.
    private func utf8(_ buffer: UnsafeBufferPointer<UInt8>) throws(SyntaxError) -> String {
        guard let text = String(validating: buffer, as: UTF8.self) else { throw error("text that is not UTF-8") }
        return text
    }

    private mutating func hex4() throws(SyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = take(), let digit = Int(String(Unicode.Scalar(byte)), radix: 16) else {
                throw error("\\u needs four hexadecimal digits")
            }
            value = value * 16 + UInt32(digit)
        }
        return value
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// The offset of the first byte from `index` on that is not JSON white space; each line break
    /// passed adds one to `lines`.
    func skippingJSONWhitespace(from index: Int, lines: inout Int) -> Int {
        var index = index
        while index < count {
            switch self[index] {
            case UInt8(ascii: "\n"): lines += 1
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): break
            default: return index
            }
            index += 1
        }
        return index
    }
}
