import CaseWatchTesting
import Foundation
import Testing

/// What the README's deployment section ships: the systemd unit.
@Suite("Deployment")
struct DeploymentTests {
    @Test("the shipped systemd unit waits for the network and scores 3 or below in systemd-analyze security")
    func hardenedUnit() throws {
        let unit = RepositoryFiles.url("deploy/casewatch.service")
        let text = try String(contentsOf: unit, encoding: .utf8)
        #expect(text.contains("\nWants=network-online.target\n") && text.contains("\nAfter=network-online.target\n"))
        #expect(text.contains("ExecStart=/srv/casewatch/casewatch serve "))
        let analyze = "/usr/bin/systemd-analyze"
        try #require(FileManager.default.isExecutableFile(atPath: analyze),
                     "systemd-analyze is missing: scripts/install-deps.sh --tests installs it")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: analyze)
        process.arguments = ["security", "--offline=true", "--no-pager", "--threshold=30", unit.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(printed)")
        // "→ Overall exposure level for casewatch.service: 1.2 OK 🙂"
        let line = try #require(printed.split(separator: "\n").first { $0.contains("Overall exposure level") }, "\(printed)")
        let score = line.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) }
        #expect(score != nil && score! <= 3.0, "\(line)")
    }
}
