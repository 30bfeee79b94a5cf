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

@Suite("YAML alias expansion")
struct YAMLExpansionTests {
    @Test("honest aliases load; nested aliases past the budget are refused with the line")
    func budget() throws {
        let honest = "base: &base {court: Moscow City Court}\nfirst: *base\nsecond: *base\n"
        guard case .map(let pairs, _) = try SourceNode.parseYAML(honest, file: "f.yaml") else {
            Issue.record("not a map")
            return
        }
        #expect(pairs.map(\.key) == ["base", "first", "second"])

        var lines = [#"a0: &a0 [x, x, x, x, x, x, x, x, x, x]"#]
        for level in 1...6 {
            lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]")
        }
        #expect {
            _ = try SourceNode.parseYAML(lines.joined(separator: "\n"), file: "bomb.yaml")
        } throws: { error in
            let problem = (error as? InputError)?.problems.first
            return problem?.file == "bomb.yaml" && problem?.message.contains("10000 nodes") == true
                && problem?.line != nil
        }
    }

    @Test("the budget grows with the text, four nodes a byte, never below 10,000")
    func limit() {
        #expect(YAMLExpansionBudget(textLength: 10).limit == 10_000)
        #expect(YAMLExpansionBudget(textLength: 1_000_000).limit == 4_000_000)
    }
}
