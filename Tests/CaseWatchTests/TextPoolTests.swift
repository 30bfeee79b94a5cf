import Testing

@testable import CaseWatchApp
@testable import CaseWatchChannels
@testable import CaseWatchModel
@testable import CaseWatchPipeline
@testable import CaseWatchRendering
@testable import CaseWatchSQLite
@testable import CaseWatchSources
@testable import CaseWatchStore
@testable import InputFormats

@Suite("Recurring field values shared")
struct TextPoolTests {
    func text(_ pool: TextPool, _ bytes: [UInt8]) -> String? {
        bytes.withUnsafeBufferPointer { pool.text($0) }
    }

    func storage(_ text: String) -> UnsafePointer<UInt8>? {
        var text = text
        return text.withUTF8 { $0.baseAddress }
    }

    @Test("a recurring value is one string; short, new and invalid ones are read as they are")
    func pooled() throws {
        let pool = TextPool()
        let court = Array("Верховный суд Российской Федерации".utf8)
        let first = try #require(text(pool, court))
        let again = try #require(text(pool, court))
        #expect(first == "Верховный суд Российской Федерации" && again == first)
        #expect(storage(first) == storage(again))
        #expect(text(pool, Array("RU".utf8)) == "RU")
        #expect(text(pool, Array("Moscow City Court".utf8) + [0xFF]) == nil)
        #expect(text(pool, Array("Second Cassation Court".utf8)) == "Second Cassation Court")
    }

    @Test("past its limit the pool takes no more values, and still reads them")
    func limit() {
        let pool = TextPool()
        for n in 0..<(TextPool.limit + 10) {
            #expect(text(pool, Array("District court number \(n)".utf8)) == "District court number \(n)")
        }
        #expect(text(pool, Array("District court number 3".utf8)) == "District court number 3")
    }
}
