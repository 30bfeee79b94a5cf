import CaseWatchTesting
import Foundation
import Testing

/// `check` refuses whatever `run` or `serve` would refuse, and says what a real relay would make of the sample's
/// documentation addresses.
@Suite("check beside run and serve")
struct CheckParityTests {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    func workspace() throws -> (TemporaryDirectory, CommandRunner) {
        let directory = try TemporaryDirectory("casewatch-check-parity")
        try RepositoryFiles.copy(["registry", "authorities", "subscribers", "templates", "casewatch.yml"], into: directory)
        return (directory, CommandRunner(directory: directory.url, environment: ["COE_WEBHOOK_SECRET": Self.secret]))
    }

    /// Each bad input, the file it is written to and what replaces what there, the field every command must name,
    /// the command besides `check` that meets it (`run` reads everything; `serve` alone listens) and its exit: a
    /// wrong subscriber file stops no run — that subscriber is skipped, with the reason in the log — while anything
    /// else stops it (65).
    static let table: [(name: String, file: String, from: String, to: String, field: String, other: [String], exit: Int32)] = [
        ("http.listen out of range", "casewatch.yml", "listen: 127.0.0.1:8080", "listen: localhost:99999",
         "http.listen", ["serve"], 65),
        ("a rate that is not one", "subscribers/coe-commissioner.yaml", "secret_env: COE_WEBHOOK_SECRET",
         "secret_env: COE_WEBHOOK_SECRET\n  rate: fast", "webhook.rate", ["run", "--once"], 0),
        ("a webhook URL with a space", "subscribers/coe-commissioner.yaml", "url: https://", "url: https://hooks example",
         "webhook.url", ["run", "--once"], 0),
        ("a digest schedule with a wrong day name", "subscribers/en-digest-reader.yaml", "digest: \"0 8 * * 1-5\"",
         "digest: \"0 8 * * MON-FRY\"", "digest", ["run", "--once"], 0),
        ("a fallback naming a channel the subscriber lacks", "subscribers/ru-journalist.yaml", "language: ru",
         "language: ru\nchannels: [matrix, email]", "channels", ["run", "--once"], 0),
        ("a case id that is a number", "registry/sova-center-liquidation.yaml", "id: sova-center-liquidation",
         "id: 1e999", "id", ["run", "--once"], 65),
    ]

    @Test("every bad input of the table: check exits 65 naming the field, and so does the command that meets it",
          arguments: 0..<6)
    func parity(row: Int) throws {
        let entry = Self.table[row]
        let (directory, casewatch) = try workspace()
        let text = try directory.read(entry.file)
        #expect(text.contains(entry.from), "\(entry.name): \(entry.file) has no \(entry.from)")
        try directory.write(entry.file, text.replacingOccurrences(of: entry.from, with: entry.to))
        let check = try casewatch.run(["check"])
        #expect(check.status == 65, "\(entry.name): check \(check.status)\n\(check.output)")
        #expect(check.output.contains(entry.field), "\(entry.name): check names no \(entry.field)\n\(check.output)")
        let other = try casewatch.run(entry.other, timeout: 60)
        #expect(other.status == entry.exit, "\(entry.name): \(entry.other) \(other.status)\n\(other.output)")
        #expect(other.output.contains(entry.field), "\(entry.name): \(entry.other) names no \(entry.field)\n\(other.output)")
    }

    @Test("with a real relay, check warns of every address at a documentation domain; with file transports, not")
    func exampleAddresses() throws {
        let (directory, casewatch) = try workspace()
        let quiet = try casewatch.run(["check"])
        #expect(quiet.status == 0, "\(quiet.output)")
        #expect(!quiet.output.contains("documentation domain"))
        let configuration = try directory.read("casewatch.yml")
        try directory.write("casewatch.yml", configuration.replacingOccurrences(
            of: "email:\n  transport: file", with: "email:\n  transport: smtp\n  url: smtp://127.0.0.1:2525\n  tls: none"))
        let warned = try casewatch.run(["check"])
        #expect(warned.status == 0, "warnings only: \(warned.output)")
        #expect(warned.output.contains(
            "casewatch.yml: warning: email.from: CaseWatch <alerts@example.org> is at a documentation domain"), "\(warned.output)")
        #expect(warned.output.contains("subscribers/ru-journalist.yaml: warning: email: anna.smirnova@example.org is at a "
            + "documentation domain"), "\(warned.output)")
    }
}
