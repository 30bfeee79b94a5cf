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
import Curl
import Foundation
import Testing

/// `casewatch serve` as operators run it: the real binary, its HTTP endpoints, its signals.
@Suite("casewatch serve", .serialized)
struct ServeTests {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    /// A serve set-up: sample registry and templates, one e-mail subscriber (file transport) and one
    /// webhook subscriber pointing at `receiver`.
    struct Daemon {
        let directory: TemporaryDirectory
        let port: Int
        let process: Process
        let logs: URL
        let casewatch: CommandRunner

        init(receiver: HTTPReceiver, interval: String = "1s", arguments: [String] = [],
             email: String = #"{transport: file, directory: var/mail, from: "CaseWatch <alerts@example.org>"}"#,
             environment: [String: String] = [:]) throws {
            directory = try TemporaryDirectory("casewatch-serve")
            try RepositoryFiles.copy(["registry", "templates"], into: directory)
            port = FreePort.next()
            try directory.write("casewatch.yml", """
                state: var/casewatch.sqlite
                registry:
                  sources: [{path: registry/}]
                email: \(email)
                webhooks: {transport: http, timeout: 10s}
                network: {allow_private: [127.0.0.0/8]}
                delivery: {concurrency: 2, retry: [1s, 1s]}
                schedule: {interval: \(interval), reminders: [7d, 1d]}
                http:
                  listen: 127.0.0.1:\(port)
                  base_url: https://alerts.example.org
                  token_secret_env: CASEWATCH_TOKEN_SECRET

                """)
            try directory.write("subscribers/ru-journalist.yaml",
                                "id: ru-journalist\nname: Анна\nlanguage: ru\nemail: anna@example.org\n")
            try directory.write("subscribers/coe.yaml",
                                "id: coe\nname: CoE\nlanguage: fr\nwebhook: {url: \"\(receiver.url)/hook\", secret_env: HOOK}\n")
            casewatch = CommandRunner(directory: directory.url,
                                      environment: ["HOOK": ServeTests.secret, "CASEWATCH_TOKEN_SECRET": "serve-test-token"]
                                          .merging(environment) { $1 })
            logs = directory.url.appendingPathComponent("serve.log")
            process = try casewatch.start(["serve"] + arguments, stdout: directory.url.appendingPathComponent("serve.out"), stderr: logs)
            let deadline = Date().addingTimeInterval(20)
            while (try? get("/healthz"))?.status != 200, Date() < deadline, process.isRunning { usleep(50_000) }
            // The first cycle is the silent first sync; changes made before it would go unannounced.
            while try casewatch.run(["status", "--json"]).stdout.contains(#""last_cycle":{"#) == false,
                  Date() < deadline, process.isRunning
            {
                usleep(50_000)
            }
        }

        func get(_ path: String) throws -> HTTPResponse {
            try EasyHandle().perform(HTTPRequest(method: .get, url: "http://127.0.0.1:\(port)\(path)", timeout: 5))
        }

        /// A HEAD request written by hand on a socket (the transfer layer sends no HEAD): the status line and
        /// headers, and whatever came after them (nothing, for HEAD).
        func head(_ path: String) throws -> (status: String, headers: String, rest: String) {
            let request = Array("HEAD \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
            let text = String(decoding: try RawHTTP.exchange(port: port, request), as: UTF8.self)
            let parts = text.components(separatedBy: "\r\n\r\n")
            let lines = parts[0].components(separatedBy: "\r\n")
            return (lines[0], lines.dropFirst().joined(separator: "\n").lowercased(), parts.dropFirst().joined())
        }

        func post(_ path: String) throws -> HTTPResponse {
            try EasyHandle().perform(HTTPRequest(method: .post, url: "http://127.0.0.1:\(port)\(path)", timeout: 5))
        }

        func log() -> String { (try? String(contentsOf: logs, encoding: .utf8)) ?? "" }

        /// Adds a step of `status` to a case, a day after the step added before.
        func setStatus(_ status: String, case id: String = "sova-center-liquidation") throws {
            let path = "registry/\(id).yaml"
            let text = try directory.read(path)
            let date = String(format: "2026-10-%02d", text.components(separatedBy: "2026-10-").count)
            try directory.write(path, CaseFileEdit.appendingStep("{date: \(date), status: \(status)}", to: text))
        }

        /// Waits (bounded) until `condition` holds.
        func wait(_ seconds: Double = 20, until condition: () throws -> Bool) rethrows -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if try condition() { return true }
                usleep(100_000)
            }
            return try condition()
        }

        func stop() {
            if process.isRunning { kill(process.processIdentifier, SIGTERM) }
            let deadline = Date().addingTimeInterval(20)
            while process.isRunning, Date() < deadline { usleep(50_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
    }

    @Test("SIGHUP in the daemon's first moments, before it listens, does not kill it")
    func earlyHangUp() throws {
        let directory = try TemporaryDirectory("casewatch-early-hup")
        try RepositoryFiles.copy(["registry", "templates"], into: directory)
        let port = FreePort.next()
        try directory.write("casewatch.yml", """
            state: var/casewatch.sqlite
            registry: {sources: [{path: registry/}]}
            email: {transport: file, directory: var/mail, from: "CaseWatch <alerts@example.org>"}
            webhooks: {transport: file, directory: var/webhooks}
            http: {listen: "127.0.0.1:\(port)", base_url: "https://alerts.example.org", token_secret_env: TS}

            """)
        let casewatch = CommandRunner(directory: directory.url, environment: ["TS": "serve-test-token"])
        let process = try casewatch.start(["serve"], stdout: directory.url.appendingPathComponent("serve.out"),
                                          stderr: directory.url.appendingPathComponent("serve.log"))
        defer {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        // As soon as CaseWatch's own code runs, SIGHUP is ignored (the kernel's view of the process says so)...
        func ignoresHangUp() -> Bool {
            let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
            let mask = status.split(separator: "\n").first { $0.hasPrefix("SigIgn:") }?.split(separator: "\t").last
            return mask.flatMap { UInt64($0, radix: 16) }.map { $0 & 1 == 1 } ?? false
        }
        let deadline = Date().addingTimeInterval(10)
        while !ignoresHangUp(), process.isRunning, Date() < deadline { usleep(2_000) }
        #expect(ignoresHangUp(), "SIGHUP is not ignored at start")
        // ...so hang-ups sent while it starts, before it listens, leave it running.
        let listening = { (try? EasyHandle().perform(HTTPRequest(method: .get, url: "http://127.0.0.1:\(port)/healthz",
                                                                 timeout: 1)))?.status == 200 }
        #expect(!listening(), "already listening: the hang-ups below would not test the start")
        for _ in 0..<3 {
            kill(process.processIdentifier, SIGHUP)
            usleep(20_000)
        }
        while !listening(), process.isRunning, Date() < deadline { usleep(50_000) }
        #expect(process.isRunning)
        #expect(listening())
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test("health, metrics and the cases; SIGTERM with a delivery in flight finishes it and exits 0")
    func gracefulStop() throws {
        let receiver = try HTTPReceiver(script: ["204 sleep=3"])
        let daemon = try Daemon(receiver: receiver)
        defer { daemon.stop() }
        #expect(try daemon.get("/healthz").status == 200)
        #expect(try daemon.get("/readyz").status == 200)
        // Every GET answers HEAD: the same status and content type, no body.
        for path in ["/healthz", "/readyz", "/metrics", "/cases.json", "/feed.atom"] {
            let head = try daemon.head(path)
            #expect(head.status == "HTTP/1.1 200 OK", "\(path): \(head.status)")
            #expect(head.headers.contains("content-type:"), "\(path): \(head.headers)")
            #expect(head.rest.isEmpty, "\(path): a body came: \(head.rest.prefix(80))")
        }
        #expect(try daemon.head("/nowhere").status.hasPrefix("HTTP/1.1 404"))
        // Every metric family has its help text, and the usual series exist at zero before anything happened.
        let metrics = String(decoding: try daemon.get("/metrics").body, as: UTF8.self)
        let families = { (prefix: String) in
            Set(metrics.split(separator: "\n").filter { $0.hasPrefix(prefix) }.map { $0.split(separator: " ")[2] })
        }
        #expect(!families("# TYPE ").isEmpty && families("# TYPE ").isSubset(of: families("# HELP ")), "\(metrics)")
        for family in ["casewatch_deliveries_total", "casewatch_source_failures_total", "casewatch_events_detected_total",
                       "casewatch_last_successful_cycle_timestamp_seconds", "casewatch_outbox_queue_depth"] {
            #expect(families("# HELP ").contains(Substring(family)), "\(family)")
        }
        #expect(metrics.contains(#"casewatch_source_failures_total{source="registry/"} 0"#), "\(metrics)")
        let lastSuccess = {
            String(decoding: try daemon.get("/metrics").body, as: UTF8.self).split(separator: "\n")
                .first { $0.hasPrefix("casewatch_last_successful_cycle_timestamp_seconds ") }
                .flatMap { Double($0.split(separator: " ")[1]) } ?? 0
        }
        #expect(try daemon.wait { try lastSuccess() > Date().timeIntervalSince1970 - 60 }, "a cycle has succeeded")
        // The first cycle records the registry shortly after the server is up.
        #expect(try daemon.wait {
            let cases = try JSONSerialization.jsonObject(with: Data(try daemon.get("/cases.json").body)) as? [[String: Any]]
            return cases?.count == 29
        })

        try daemon.setStatus("closed")
        #expect(try daemon.wait { try !receiver.requests().isEmpty })  // the webhook is now in flight, answered in 3 s
        kill(daemon.process.processIdentifier, SIGTERM)
        daemon.process.waitUntilExit()
        #expect(daemon.process.terminationStatus == 0)
        #expect(daemon.log().contains("casewatch serve stopped"))
        let outbox = try daemon.casewatch.run(["outbox", "list", "--json"]).stdout
        #expect(outbox.contains(#""channel":"webhook""#) && outbox.contains(#""state":"delivered""#))
        #expect(!outbox.contains(#""state":"sending""#))
        for secret in [ServeTests.secret, "serve-test-token"] { #expect(!daemon.log().contains(secret)) }
    }

    @Test("the feed and cases.json carry ETag and Last-Modified, answer 304 to a reader that has them, and change only when a cycle changed something")
    func publishedDocumentValidators() throws {
        let receiver = try HTTPReceiver(script: [])
        let daemon = try Daemon(receiver: receiver)
        defer { daemon.stop() }
        func header(_ response: HTTPResponse, _ name: String) -> String? {
            response.headers.first { $0.name.lowercased() == name }?.value
        }
        func conditional(_ path: String, _ name: String, _ value: String) throws -> HTTPResponse {
            try EasyHandle().perform(HTTPRequest(method: .get, url: "http://127.0.0.1:\(daemon.port)\(path)",
                                                 headers: [(name, value)], timeout: 5))
        }
        for path in ["/feed.atom?lang=ru", "/cases.json"] {
            let first = try daemon.get(path)
            let etag = try #require(header(first, "etag"), "\(path)")
            let modified = try #require(header(first, "last-modified"), "\(path)")
            #expect(first.status == 200 && !first.body.isEmpty)
            #expect(etag.hasPrefix("\"") && etag.hasSuffix("\""), "\(etag)")
            #expect(modified.hasSuffix(" GMT") && modified.count == 29, "\(modified)")
            let again = try conditional(path, "If-None-Match", etag)
            #expect(again.status == 304 && again.body.isEmpty, "\(path): \(again.status)")
            #expect(try conditional(path, "If-Modified-Since", modified).status == 304, "\(path)")
            #expect(try conditional(path, "If-None-Match", "\"0000000000000000\"").status == 200, "\(path)")
        }
        // Cycles that change nothing (the interval is 1 s) leave both documents as they were.
        let feed = try daemon.get("/feed.atom?lang=ru"), cases = try daemon.get("/cases.json")
        let lastSuccess = { try daemon.casewatch.run(["status", "--json"]).stdout }
        let before = try lastSuccess()
        #expect(try daemon.wait { try lastSuccess() != before }, "another cycle ran")
        #expect(header(try daemon.get("/feed.atom?lang=ru"), "etag") == header(feed, "etag"))
        #expect(header(try daemon.get("/cases.json"), "last-modified") == header(cases, "last-modified"))
        // A new step: the next cycle announces it, and both documents change with it.
        try daemon.setStatus("closed")
        #expect(try daemon.wait { try conditional("/feed.atom?lang=ru", "If-None-Match", header(feed, "etag")!).status == 200 })
        #expect(try daemon.wait { try conditional("/cases.json", "If-None-Match", header(cases, "etag")!).status == 200 })
        let changed = String(decoding: try daemon.get("/feed.atom?lang=ru").body, as: UTF8.self)
        #expect(changed.contains("<category term=\"case.status_changed\"/>") && changed.contains("«СОВА»"), "\(changed.prefix(400))")
    }

    @Test("promtool check metrics accepts /metrics, after a cycle and a delivery; the operator's gauges are there")
    func promtoolAcceptsMetrics() throws {
        let receiver = try HTTPReceiver(script: ["204"])
        let daemon = try Daemon(receiver: receiver)
        defer { daemon.stop() }
        try daemon.setStatus("closed")
        #expect(try daemon.wait { try !receiver.requests().isEmpty })
        let metrics = try daemon.get("/metrics").body
        for family in ["casewatch_last_successful_cycle_timestamp_seconds", "casewatch_outbox_queue_depth",
                       "casewatch_outbox_dead_letters", "casewatch_disabled_endpoints", "casewatch_failing_sources",
                       "casewatch_config_reload_failures_total", "casewatch_disabled_webhooks"] {
            #expect(("\n" + String(decoding: metrics, as: UTF8.self)).contains("\n# HELP \(family) "), "\(family)")
        }
        let promtool = "/usr/bin/promtool"
        try #require(FileManager.default.isExecutableFile(atPath: promtool),
                     "promtool is missing: scripts/install-deps.sh --tests installs it (Debian's prometheus)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: promtool)
        process.arguments = ["check", "metrics"]
        let input = Pipe(), output = Pipe()
        (process.standardInput, process.standardOutput, process.standardError) = (input, output, output)
        try process.run()
        input.fileHandleForWriting.write(Data(metrics))
        try input.fileHandleForWriting.close()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "promtool: \(printed)")
        #expect(printed.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "promtool: \(printed)")
    }

    @Test("serve --verbose, human or JSON logs: no secret reaches the log at any level",
          arguments: [["--verbose"], ["--verbose", "--log-format", "json"]])
    func noSecretsInVerboseLogs(arguments: [String]) throws {
        let receiver = try HTTPReceiver()
        let smtpPassword = "smtp-Pa55word-never-logged"
        let relay = FreePort.next()  // nothing listens there: the e-mail waits for a retry, logging its failure
        let daemon = try Daemon(
            receiver: receiver, arguments: arguments,
            email: #"{transport: smtp, url: "smtp://127.0.0.1:\#(relay)", tls: none, username: alerts, "#
                + #"password_env: SMTP_PASSWORD, from: "CaseWatch <alerts@example.org>"}"#,
            environment: ["SMTP_PASSWORD": smtpPassword])
        defer { daemon.stop() }
        try daemon.setStatus("closed")
        #expect(try daemon.wait { try receiver.requests().count == 1 })
        #expect(try daemon.wait { daemon.log().contains("cycle done") })
        kill(daemon.process.processIdentifier, SIGHUP)
        #expect(try daemon.wait { daemon.log().contains("reloaded") })
        daemon.stop()
        let log = daemon.log()
        #expect(log.contains("debug"))  // the debug level is really on
        for secret in [ServeTests.secret, "serve-test-token", smtpPassword, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"] {
            let leaked = log.contains(secret)  // not interpolated: a failure must not print the secret either
            #expect(!leaked, "the log holds a secret")
        }
    }

    @Test("/metrics shows events, deliveries by channel and outcome, latency and the queue")
    func metrics() throws {
        let receiver = try HTTPReceiver()
        let daemon = try Daemon(receiver: receiver)
        defer { daemon.stop() }
        try daemon.setStatus("closed")
        #expect(try daemon.wait { try receiver.requests().count == 1 })
        #expect(try daemon.wait {
            String(decoding: try daemon.get("/metrics").body, as: UTF8.self)
                .contains(#"casewatch_deliveries_total{channel="webhook",outcome="delivered"} 1"#)
        })
        let text = String(decoding: try daemon.get("/metrics").body, as: UTF8.self)
        #expect(text.contains(#"casewatch_events_detected_total{type="case.status_changed"} 1"#))
        #expect(text.contains(#"casewatch_deliveries_total{channel="email",outcome="delivered"} 1"#))
        #expect(text.contains("casewatch_delivery_attempt_seconds_bucket"))
        #expect(text.contains("casewatch_outbox_queue_depth 0"))
        #expect(text.contains("casewatch_registry_cases 29"))
    }

    @Test("one-click unsubscribe: a page on GET, done on POST, honoured at once; forged tokens get 403")
    func unsubscribe() throws {
        let receiver = try HTTPReceiver()
        let daemon = try Daemon(receiver: receiver)
        defer { daemon.stop() }
        let token = UnsubscribeToken(secret: "serve-test-token").token(for: "ru-journalist")
        let page = try daemon.get("/unsubscribe?token=\(token)")
        #expect(page.status == 200)
        #expect(String(decoding: page.body, as: UTF8.self).contains("Отписаться"))
        #expect(try daemon.casewatch.run(["status", "--json"]).stdout.contains(#""unsubscribed":0"#))

        let forged = try daemon.post("/unsubscribe?token=\(token.dropLast())x")
        #expect(forged.status == 403)
        #expect(String(decoding: forged.body, as: UTF8.self).contains("Ссылка недействительна"), "in the reader's language")
        #expect(try daemon.post("/unsubscribe?token=coe.\(token.split(separator: ".")[1])").status == 403)
        #expect(try daemon.get("/unsubscribe?token=").status == 403)
        #expect(try daemon.post("/unsubscribe?token=\(token)").status == 200)
        #expect(try daemon.casewatch.run(["status", "--json"]).stdout.contains(#""unsubscribed":1"#))

        try daemon.setStatus("closed")
        #expect(try daemon.wait { try receiver.requests().count == 1 })
        let outbox = try daemon.casewatch.run(["outbox", "list", "--json"]).stdout
        #expect(!outbox.contains(#""subscriber_id":"ru-journalist""#))
    }

    @Test("the preference page: shown in the reader's language, a forged link refused, saved choices take precedence (digest: no immediate e-mail), a bad schedule changes nothing")
    func preferences() throws {
        let receiver = try HTTPReceiver()
        let daemon = try Daemon(receiver: receiver)
        defer { daemon.stop() }
        let keys = LinkKeys(signing: "serve-test-token", verifying: ["serve-test-token"])
        let token = UnsubscribeToken(keys: keys, purpose: .preferences).token(for: "ru-journalist")
        let page = try daemon.get("/preferences?token=\(token)")
        #expect(page.status == 200)
        let html = String(decoding: page.body, as: UTF8.self)
        #expect(html.contains("Ваши уведомления CaseWatch") && html.contains(#"value="immediate" checked"#))
        // An unsubscribe token does not open the preference page.
        let unsubscribeToken = UnsubscribeToken(keys: keys).token(for: "ru-journalist")
        #expect(try daemon.get("/preferences?token=\(unsubscribeToken)").status == 403)

        func post(_ form: String) throws -> HTTPResponse {
            try EasyHandle().perform(HTTPRequest(
                method: .post, url: "http://127.0.0.1:\(daemon.port)/preferences?token=\(token)",
                headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array(form.utf8), timeout: 5))
        }
        let bad = try post("language=fr&delivery=digest&digest=every+morning&pause=none")
        #expect(bad.status == 400)
        #expect(String(decoding: bad.body, as: UTF8.self).contains("не выражение cron"))
        let saved = try post("language=fr&delivery=digest&digest=0+8+*+*+1-5&pause=none")
        #expect(saved.status == 200)
        #expect(String(decoding: saved.body, as: UTF8.self).contains("Vos choix sont enregistrés"))
        let shown = try daemon.casewatch.run(["subscribers", "show", "ru-journalist", "--json"]).stdout
        #expect(shown.contains(#""delivery":"digest""#) && shown.contains(#""language":"fr""#), "\(shown)")

        // The next change reaches the webhook at once, and the journalist only in her digest.
        try daemon.setStatus("closed")
        #expect(try daemon.wait { try receiver.requests().count == 1 })
        // Entries are written with the event, before any is sent: by now hers would be in the outbox.
        let outbox = try daemon.casewatch.run(["outbox", "list", "--json"]).stdout
        #expect(outbox.contains(#""subscriber_id":"coe""#))
        #expect(!outbox.contains(#""subscriber_id":"ru-journalist""#), "no immediate e-mail once she chose a digest")
        // The operator's reset brings the file's settings back.
        #expect(try daemon.casewatch.run(["subscribers", "reset", "ru-journalist"]).stdout.contains("choice(s) dropped"))
        #expect(!(try daemon.casewatch.run(["subscribers", "show", "ru-journalist", "--json"]).stdout
            .contains(#""delivery":"digest""#)))
    }

    @Test("backup makes a consistent copy while serve runs, readable by its owner only; it never overwrites a file")
    func backupWhileServing() throws {
        let receiver = try HTTPReceiver()
        let daemon = try Daemon(receiver: receiver)
        defer { daemon.stop() }
        try daemon.setStatus("closed")
        #expect(try daemon.wait { try receiver.requests().count == 1 })
        let result = try daemon.casewatch.run(["backup", "var/copy.sqlite"])
        #expect(result.status == 0, "\(result.output)")
        let copy = daemon.directory.url.appendingPathComponent("var/copy.sqlite").path
        let mode = (try FileManager.default.attributesOfItem(atPath: copy)[.posixPermissions] as? Int ?? 0) & 0o777
        #expect(mode == 0o600)
        let text = try SQLiteShell.run(copy, "PRAGMA integrity_check; SELECT COUNT(*) FROM case_snapshot; SELECT COUNT(*) FROM event;")
        #expect(text == "ok\n29\n1\n", "\(text)")
        let again = try daemon.casewatch.run(["backup", "var/copy.sqlite"])
        #expect(again.status == 1 && again.stderr.contains("exists already"))
    }

    @Test("SIGHUP with a broken template keeps the running templates; a fixed one is taken")
    func reload() throws {
        let receiver = try HTTPReceiver()
        let daemon = try Daemon(receiver: receiver)
        defer { daemon.stop() }
        let file = "templates/case.status_changed/summary.fr.mustache"
        try daemon.directory.write(file, "Résumé {{#case_name}} sans fin\n")
        kill(daemon.process.processIdentifier, SIGHUP)
        #expect(try daemon.wait { daemon.log().contains("reload refused") })
        #expect(daemon.log().contains("summary.fr.mustache:2: Mustache"))  // the section never closes

        try daemon.setStatus("closed")
        #expect(try daemon.wait { try receiver.requests().count == 1 })
        let summary = try #require(try JSONSerialization.jsonObject(
            with: Data(try receiver.requests()[0].body.utf8)) as? [String: Any])["summary"] as? String
        #expect(summary?.isEmpty == false)
        #expect(summary?.contains("sans fin") == false)

        try daemon.directory.write(file, "Nouveau résumé : {{case_name}}\n")
        kill(daemon.process.processIdentifier, SIGHUP)
        #expect(try daemon.wait { daemon.log().contains("templates reloaded") })
        try daemon.setStatus("in_force")
        #expect(try daemon.wait { try receiver.requests().count == 2 })
        #expect(try receiver.requests()[1].body.contains("Nouveau résumé"))
    }
}
