@testable import CaseWatchDaemon
import CaseWatchModel
import CaseWatchTesting
import Curl
import Foundation
import Testing

/// The operator's console (`/console` in `casewatch serve`): no console without its token, the sign-in and its
/// cookie on the wire, the rate limit, CSRF on every action, and no secret on any page.
@Suite("The operator's console", .serialized)
struct ConsoleTests {
    static let token = "console-token-for-tests-4b7e1c9a"

    /// One HTTP exchange with the daemon, with the session cookie when there is one.
    struct Browser {
        let port: Int
        var cookie: String?

        func get(_ path: String) throws -> HTTPResponse {
            try EasyHandle().perform(HTTPRequest(method: .get, url: "http://127.0.0.1:\(port)\(path)",
                                                 headers: cookieHeader, timeout: 10, responseLimit: 4 * 1024 * 1024))
        }

        func post(_ path: String, _ fields: [(String, String)]) throws -> HTTPResponse {
            let body = fields.map { "\(Self.escaped($0.0))=\(Self.escaped($0.1))" }.joined(separator: "&")
            return try EasyHandle().perform(HTTPRequest(
                method: .post, url: "http://127.0.0.1:\(port)\(path)",
                headers: cookieHeader + [("Content-Type", "application/x-www-form-urlencoded")],
                body: Array(body.utf8), timeout: 10))
        }

        var cookieHeader: [(name: String, value: String)] { cookie.map { [("Cookie", $0)] } ?? [] }

        static func escaped(_ text: String) -> String {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
        }

        /// The CSRF token of the page's forms.
        static func csrf(in page: String) -> String? {
            guard let range = page.range(of: #"name="csrf" value=""#) else { return nil }
            return String(page[range.upperBound...].prefix { $0 != "\"" })
        }
    }

    static func text(_ response: HTTPResponse) -> String { String(decoding: response.body, as: UTF8.self) }

    @Test("without the token's variable there is no console: every console address answers 404")
    func noConsole() throws {
        let receiver = try HTTPReceiver()
        let daemon = try ServeTests.Daemon(receiver: receiver)
        defer { daemon.stop() }
        let browser = Browser(port: daemon.port)
        for path in ["/console", "/console/login", "/console/cases", "/console/outbox"] {
            #expect(try browser.get(path).status == 404, "\(path)")
        }
        #expect(try browser.post("/console/login", [("token", "")]).status == 404)
        #expect(try daemon.head("/console/login").status.hasPrefix("HTTP/1.1 404"))
    }

    @Test("sign-in, cookie on the wire, pages without secrets, CSRF on actions, sign-out, then the rate limit")
    func signedInConsole() throws {
        let receiver = try HTTPReceiver()
        let daemon = try ServeTests.Daemon(receiver: receiver, environment: ["CASEWATCH_CONSOLE_TOKEN": Self.token])
        defer { daemon.stop() }
        var browser = Browser(port: daemon.port)

        // Nothing without a session: the pages send to the sign-in, HEAD included.
        for path in ["/console", "/console/cases", "/console/cases/moscow-helsinki-group-liquidation", "/console/outbox",
                     "/console/subscribers", "/console/silences", "/console/sources"] {
            let response = try browser.get(path)
            #expect(response.status == 303, "\(path)")
            #expect(response.header("Location") == (path == "/console" ? "/console/cases" : "/console/login"), "\(path)")
        }
        let login = try browser.get("/console/login")
        #expect(login.status == 200)
        #expect(Self.text(login).contains(#"<label for="token">"#))
        let head = try daemon.head("/console/login")
        #expect(head.status == "HTTP/1.1 200 OK" && head.rest.isEmpty, "\(head.status)")

        // A wrong token: refused, no cookie.
        let wrong = try browser.post("/console/login", [("token", "not-the-token")])
        #expect(wrong.status == 403)
        #expect(wrong.header("Set-Cookie") == nil)
        #expect(Self.text(wrong).contains("not the console"))

        // The right one: a session cookie with every attribute, and the cases page.
        let signedIn = try browser.post("/console/login", [("token", Self.token)])
        #expect(signedIn.status == 303)
        #expect(signedIn.header("Location") == "/console/cases")
        let setCookie = try #require(signedIn.header("Set-Cookie"))
        let attributes = Set(setCookie.split(separator: ";").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) })
        #expect(attributes.isSuperset(of: ["Secure", "HttpOnly", "SameSite=Strict", "Path=/console"]), "\(setCookie)")
        #expect(!setCookie.contains(Self.token))
        let pair = String(setCookie.split(separator: ";")[0])
        #expect(pair.hasPrefix("casewatch_console=") && pair.count > "casewatch_console=".count + 32, "\(pair)")
        browser.cookie = pair

        let cases = try browser.get("/console/cases?q=helsinki")
        #expect(cases.status == 200)
        #expect(Self.text(cases).contains("Moscow Helsinki Group"))
        #expect(!Self.text(cases).contains("Sova"), "the search kept a case that does not match")
        #expect(cases.header("Content-Security-Policy")?.contains("default-src 'none'") == true)
        #expect(cases.header("Cache-Control") == "no-store")
        let csrf = try #require(Browser.csrf(in: Self.text(cases)))

        // No page shows a secret: the webhook's secret, the console token, the link-signing secret.
        for path in ["/console/cases", "/console/cases/moscow-helsinki-group-liquidation", "/console/outbox",
                     "/console/subscribers", "/console/silences", "/console/sources"] {
            let page = try browser.get(path)
            #expect(page.status == 200, "\(path): \(page.status)")
            let body = Self.text(page)
            #expect(body.components(separatedBy: "<h1>").count == 2, "\(path): not one h1")
            for secret in [ServeTests.secret, Self.token, "serve-test-token"] {
                #expect(!body.contains(secret), "\(path) shows a secret")
            }
        }
        #expect(Self.text(try browser.get("/console/subscribers")).contains("coe"))
        #expect(Self.text(try browser.get("/console/sources")).contains("registry/"))

        // An action without the CSRF token, or with another one, is refused and changes nothing.
        let silence = [("matcher", "case"), ("value", "sova-center-liquidation"), ("duration", "2h"),
                       ("reason", "checking the console"), ("back", "/console/silences")]
        #expect(try browser.post("/console/silences/add", silence).status == 403)
        #expect(try browser.post("/console/silences/add", silence + [("csrf", String(csrf.reversed()))]).status == 403)
        #expect(try browser.post("/console/silences/add", silence + [("csrf", "")]).status == 403)
        var signedOut = browser
        signedOut.cookie = nil
        #expect(try signedOut.post("/console/silences/add", silence + [("csrf", csrf)]).status == 403)
        #expect(try daemon.casewatch.run(["silence", "list", "--json"]).stdout.isEmpty)

        // With it: done, redirected back, and the page says so once.
        let added = try browser.post("/console/silences/add", silence + [("csrf", csrf)])
        #expect(added.status == 303)
        #expect(added.header("Location") == "/console/silences")
        let listed = try daemon.casewatch.run(["silence", "list", "--json"]).stdout
        #expect(listed.contains("sova-center-liquidation") && listed.contains("checking the console"), "\(listed)")
        let page = Self.text(try browser.get("/console/silences"))
        #expect(page.contains("role=\"status\"") && page.contains("Silence 1 added"), "\(page.prefix(2000))")
        #expect(!Self.text(try browser.get("/console/silences")).contains("Silence 1 added"))

        // Sign-out ends the session on the server: the old cookie opens nothing.
        let out = try browser.post("/console/logout", [("csrf", csrf)])
        #expect(out.status == 303 && out.header("Location") == "/console/login")
        #expect(out.header("Set-Cookie")?.contains("Max-Age=0") == true)
        #expect(try browser.get("/console/cases").status == 303)

        // Five failures a minute from one address, then even the right token waits (429, Retry-After).
        for _ in 0..<4 { #expect(try browser.post("/console/login", [("token", "guess")]).status == 403) }
        let limited = try browser.post("/console/login", [("token", Self.token)])
        #expect(limited.status == 429)
        #expect(limited.header("Set-Cookie") == nil)
        #expect(Int(limited.header("Retry-After") ?? "") ?? 0 > 0)
        #expect(Self.text(limited).contains("Too many failed sign-ins"))
        #expect(!daemon.log().contains(Self.token), "the log shows the console token")
    }

    @Test("the session table: sessions expire, failures age out of the window")
    func sessionTable() {
        var table = ConsoleSessionTable(lifetime: 100, failureLimit: 2, failureWindow: 60)
        let start = Date(timeIntervalSince1970: 1_000_000)
        let session = table.open(now: start)
        #expect(session.id.count == 64 && session.csrfToken.count == 64 && session.id != session.csrfToken)
        #expect(table.session(session.id, now: start.addingTimeInterval(99)) == session)
        #expect(table.session(session.id, now: start.addingTimeInterval(100)) == nil)
        #expect(table.session("forged", now: start) == nil)
        #expect(table.admission(for: "192.0.2.1", now: start) == .allowed)
        table.recordFailure(from: "192.0.2.1", now: start)
        table.recordFailure(from: "192.0.2.1", now: start.addingTimeInterval(10))
        #expect(table.admission(for: "192.0.2.1", now: start.addingTimeInterval(20)) == .limited(retryAfter: 40))
        #expect(table.admission(for: "192.0.2.2", now: start.addingTimeInterval(20)) == .allowed)
        #expect(table.admission(for: "192.0.2.1", now: start.addingTimeInterval(61)) == .allowed)
    }

    @Test("a flood of failed sign-ins from many addresses keeps the table bounded, the latest kept")
    func failureTableBounded() {
        var table = ConsoleSessionTable(lifetime: 100, failureLimit: 1, failureWindow: 60)
        let start = Date(timeIntervalSince1970: 1_000_000)
        for index in 0..<(ConsoleSessionTable.addressLimit * 2) {
            table.recordFailure(from: "2001:db8::\(String(index, radix: 16))", now: start.addingTimeInterval(Double(index) / 1000))
            #expect(table.addressesTracked <= ConsoleSessionTable.addressLimit + 1)
        }
        let last = "2001:db8::\(String(ConsoleSessionTable.addressLimit * 2 - 1, radix: 16))"
        #expect(table.admission(for: last, now: start.addingTimeInterval(30)) != .allowed)
    }

    @Test("tokens compare whole", arguments: [
        ("abc", "abc", true), ("abd", "abc", false), ("ab", "abc", false), ("abcd", "abc", false), ("", "", false),
    ])
    func tokenComparison(given: String, expected: String, equal: Bool) {
        #expect(ConsoleSessionTable.constantTimeEquals(given, expected) == equal)
    }

    @Test("an action goes back only to a console page", arguments: [
        ("/console/silences", "/console/silences"), ("https://elsewhere.example", "/console/cases"),
        ("//elsewhere.example/console/", "/console/cases"), ("/console/cases?q=a&page=2", "/console/cases?q=a&page=2"),
        ("/console/x\r\nSet-Cookie: a", "/console/cases"),
    ])
    func back(given: String, expected: String) {
        #expect(Console.back(given) == expected)
    }

    @Test("the cases' search: substring of id or name, filters, pages of 50")
    func caseQuery() throws {
        let template = try #require(try JSONDecoder().decode(LegalCase.self, from: Data(#"""
            {"id": "x", "subject": {"kind": "organisation", "name": {"en": "X"}}, "country": "RU",
             "type": "liquidation", "status": "claim_filed", "history": [{"date": "2023-01-01", "status": "claim_filed"}]}
            """#.utf8)))
        let cases = (1...120).map { number -> LegalCase in
            var legalCase = template
            legalCase.id = String(format: "case-%03d", number)
            legalCase.subject.name = ["en": number == 7 ? "Memorial Human Rights Centre" : "Group \(number)"]
            legalCase.country = number.isMultiple(of: 2) ? "RU" : "BY"
            return legalCase
        }
        #expect(ConsoleCaseQuery(text: "memorial").select(cases).cases.map(\.id) == ["case-007"])
        #expect(ConsoleCaseQuery(text: "CASE-01").select(cases).total == 10)  // case-010 … case-019
        let belarus = ConsoleCaseQuery(country: "BY", page: 2).select(cases)
        #expect(belarus.total == 60 && belarus.pageCount == 2 && belarus.cases.count == 10)
        #expect(ConsoleCaseQuery(type: "criminal").select(cases).total == 0)
        #expect(ConsoleCaseQuery(country: "BY", page: 2).url(page: 1) == "/console/cases?country=BY&page=1")
    }
}
