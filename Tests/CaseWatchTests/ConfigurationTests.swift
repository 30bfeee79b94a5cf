import CaseWatchTesting
import Foundation
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

@Suite("Loading the configuration")
struct ConfigurationTests {
    func problems(_ yaml: String) throws -> [String] {
        let directory = try TemporaryDirectory()
        let file = try directory.write("casewatch.yml", yaml)
        do {
            _ = try Configuration.load(path: file.path)
            return []
        } catch {
            return error.problems.map { $0.description.replacingOccurrences(of: file.path, with: "casewatch.yml") }
        }
    }

    @Test("the example configuration loads with the embedded defaults")
    func example() throws {
        let configuration = try Configuration.load(path: RepositoryFiles.url("casewatch.yml").path)
        #expect(configuration.email.transport == .file && configuration.webhooks.transport == .file)
        #expect(configuration.delivery.retry == [5, 300, 1800, 7200, 18000, 36000, 36000])
        #expect(configuration.schedule.reminders == [7 * 86400, 86400])
    }

    @Test("durations out of range, secrets in the file and credentials in the URL are refused", arguments: [
        ("webhooks: {timeout: 0s}\n", #"casewatch.yml:1: webhooks.timeout: "0s" is outside 1s–10m"#),
        ("schedule: {interval: 0s}\n", #"casewatch.yml:1: schedule.interval: "0s" is outside 1s–1d"#),
        ("delivery: {retry: []}\n", "casewatch.yml:1: delivery.retry: give at least one duration"),
        ("delivery: {retry: [5s, soon]}\n", #"casewatch.yml:1: delivery.retry[1]: "soon" is not a duration (like 30s, 5m, 2h, 7d)"#),
        ("email: {transport: smtp, url: \"smtp://alerts:hunter2@mail.example.org\"}\n",
         "casewatch.yml:1: email.url: must not carry credentials: give username and password_env instead"),
        ("email: {password: hunter2}\n", "casewatch.yml:1: email.password: secrets never sit in the configuration: "
            + "name an environment variable with password_env or a file with password_file"),
        ("http: {base_url: \"http://alerts.example.org\"}\n",
         #"casewatch.yml:1: http.base_url: "http://alerts.example.org" must be an https:// address (RFC 8058 unsubscribe links are HTTPS), or http:// towards a loopback host"#),
        ("http: {listen: \"localhost:99999\"}\n",
         #"casewatch.yml:1: http.listen: "localhost:99999" is not host:port with a port from 0 to 65535"#),
        ("email: {transport: smtp, url: \"smtp://mail.example.org:587\\r\\nRCPT TO:<x@example.org>\"}\n",
         "casewatch.yml:1: email.url: holds white space or a control character (a line break would reach the request as it is)"),
        ("http: {listen: \"8080\"}\n", #"casewatch.yml:1: http.listen: "8080" is not host:port with a port from 0 to 65535"#),
    ])
    func refused(yaml: String, expected: String) throws {
        let found = try problems(yaml)
        #expect(found == [expected])
        #expect(!found.joined().contains("hunter2"))
    }

    @Test("a base URL of plain http is accepted towards a loopback host (a set-up that never leaves the machine); reminders: [] turns reminders off")
    func localBaseURL() throws {
        #expect(try problems("http: {base_url: \"http://127.0.0.1:8080\", listen: \"127.0.0.1:8080\"}\n").isEmpty)
        #expect(try problems("http: {base_url: \"http://localhost:8080/alerts\"}\n").isEmpty)
        #expect(try problems("schedule: {reminders: [], deadline_reminders: []}\n").isEmpty)
    }

    @Test("tls: none only towards loopback addresses, not names that look like them",
          arguments: [("localhost", true), ("127.0.0.1", true), ("127.8.9.10", true), ("::1", true), ("[::1]", true),
                      ("127.mail.example.org", false), ("mail.example.org", false), ("10.0.0.1", false)])
    func loopback(host: String, isLoopback: Bool) {
        #expect(LoopbackHost.contains(host) == isLoopback)
    }
}
