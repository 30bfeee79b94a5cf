import CaseWatchApp
import CaseWatchChannels
import CaseWatchModel
import CaseWatchPipeline
import CaseWatchRendering
import CaseWatchSQLite
import CaseWatchSources
import CaseWatchStore
import InputFormats
import CaseWatchTesting
import Foundation
import Testing

@Suite("Loading subscribers")
struct SubscriberLoadingTests {
    static let environment: ProcessEnvironment = ["COE_WEBHOOK_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]

    func problems(_ text: String, environment: ProcessEnvironment = environment) throws -> [String] {
        let directory = try TemporaryDirectory()
        try directory.write("subscribers/s.yaml", text)
        return SubscriberDirectory(displayPath: "subscribers/", url: directory.url.appendingPathComponent("subscribers"))
            .load(environment: environment).problems.map(\.description)
    }

    @Test("the examples in the repository load")
    func examples() {
        let load = SubscriberDirectory(displayPath: "subscribers/", url: RepositoryFiles.url("subscribers"))
            .load(environment: Self.environment)
        #expect(load.problems.isEmpty, "\(load.problems)")
        #expect(Set(load.subscribers.map(\.id)) == ["ru-journalist", "coe-commissioner", "en-digest-reader", "memorial-lawyer"])
        #expect(load.subscriber(id: "coe-commissioner")?.language == .fr)
    }

    @Test("bad values are named with file, line and field", arguments: [
        ("id: a\nname: A\nlanguage: de\nemail: a@example.org\n",
         #"subscribers/s.yaml:3: language: "de" is not a language (one of: en, ru, fr)"#),
        ("id: a\nname: A\nemail: not-an-address\n",
         #"subscribers/s.yaml:3: email: "not-an-address" needs exactly one "@""#),
        ("id: a\nname: A\nemail: jean@exemple..fr\n",
         #"subscribers/s.yaml:3: email: "jean@exemple..fr" has a domain that is not a host name with a dot (or localhost)"#),
        ("id: a\nname: A\nwebhook:\n  url: ftp://example.org/hook\n  secret_env: COE_WEBHOOK_SECRET\n",
         #"subscribers/s.yaml:4: webhook.url: "ftp://example.org/hook" is not an http(s) address"#),
        ("id: a\nname: A\nwebhook:\n  url: https://example.org/hook\n  secret_env: UNSET_SECRET_VARIABLE\n",
         "subscribers/s.yaml:5: webhook.secret_env: the environment variable UNSET_SECRET_VARIABLE is not set"),
        ("id: a\nname: A\nemail: a@example.org\nfilter:\n  events: [case.status_change]\n",
         #"subscribers/s.yaml:5: filter.events[0]: "case.status_change" is not an event type (did you mean "case.status_changed"?)"#),
        ("id: a\nname: A\nemail: a@example.org\ndelivery: digest\ndigest: \"0 25 * * *\"\n",
         #"subscribers/s.yaml:5: digest: "0 25 * * *" is not a cron expression: hour "25" is outside 0-23 or malformed"#),
        ("id: a\nname: A\nemail: a@example.org\ntimezone: Europe/Strasburg\n",
         #"subscribers/s.yaml:4: timezone: "Europe/Strasburg" is not a time zone of the tz database (like Europe/Paris)"#),
        ("id: a\nname: A\n", "subscribers/s.yaml:1: email: give at least one of email, webhook, matrix, telegram"),
        ("id: a\nname: A\nwebhook:\n  url: \"https://example.org/hook\\r\\nX-Injected: 1\"\n  secret_env: COE_WEBHOOK_SECRET\n",
         "subscribers/s.yaml:4: webhook.url: holds white space or a control character (a line break would reach the request as it is)"),
        ("id: a\nname: A\nwebhook:\n  url: \"https://example.org/a hook\"\n  secret_env: COE_WEBHOOK_SECRET\n",
         "subscribers/s.yaml:4: webhook.url: holds white space or a control character (a line break would reach the request as it is)"),
        ("id: a\nname: A\nwebhook:\n  url: https://user:hunter2@example.org/hook\n  secret_env: COE_WEBHOOK_SECRET\n",
         "subscribers/s.yaml:4: webhook.url: must not carry credentials (user info before the host): they would be printed by preview and stored in the outbox"),
    ])
    func refused(text: String, expected: String) throws {
        #expect(try problems(text) == [expected])
    }

    @Test("a secret that is not whsec_ is refused without repeating it")
    func badSecret() throws {
        let found = try problems("id: a\nname: A\nwebhook:\n  url: https://example.org/h\n  secret_env: S\n",
                                 environment: ["S": "hunter2-plain-password"])
        #expect(found.count == 1)
        #expect(found[0].contains("webhook.secret_env: the secret in $S is not a whsec_ secret"))
        #expect(!found[0].contains("hunter2"))
    }

    @Test("a line break in a name is refused (it reaches the To header)")
    func headerInjection() throws {
        let found = try problems("id: a\nname: \"A\\r\\nBcc: victim@example.org\"\nemail: a@example.org\n")
        #expect(found == ["subscribers/s.yaml:2: name: must be on one line (line breaks could forge e-mail headers)"])
    }
}
