import CaseWatchApp
import CaseWatchModel
import CaseWatchStore
import Foundation
import Hummingbird
import Logging

/// `/console`: the operator's pages in `serve`, behind the token in the variable `http.console_token_env` names.
/// Without that variable every console address answers 404, as if there were no console at all.
///
/// A session cookie (`Secure; HttpOnly; SameSite=Strict; Path=/console`) holds a random id of the in-memory session
/// table; every form carries the session's CSRF token; sign-in failures are limited per client address.
struct Console: Sendable {
    static let cookieName = "casewatch_console"

    let live: LiveInputs
    let store: any StateStore
    let environment: ProcessEnvironment
    let gate: ConsoleGate
    let renderer = ConsoleRenderer()
    let labels = ConsoleLabels.en

    init(live: LiveInputs, store: any StateStore, environment: ProcessEnvironment,
         gate: ConsoleGate = ConsoleGate()) {
        self.live = live
        self.store = store
        self.environment = environment
        self.gate = gate
    }

    var pages: ConsolePages { ConsolePages(live: live, store: store) }

    /// The console's token, or nil when the variable is unset or empty (no console).
    func expectedToken() async -> String? {
        guard let name = await live.configuration.http.consoleTokenEnv, let token = environment[name], !token.isEmpty
        else { return nil }
        return token
    }

    /// A signed-in request: its session, or the answer to give instead (404 without a console, else the sign-in).
    func signedIn(_ request: Request) async -> Result<ConsoleSessionTable.Session, ConsoleRefusal> {
        guard await expectedToken() != nil else { return .failure(ConsoleRefusal(response: notFound())) }
        guard let session = await gate.session(request.cookies[Self.cookieName]?.value, now: Date()) else {
            return .failure(ConsoleRefusal(response: redirect(to: "/console/login")))
        }
        return .success(session)
    }

    /// A page for a signed-in operator, with the session's flash message taken.
    func page(_ page: ConsoleRenderer.Page, title: String, session: ConsoleSessionTable.Session, back: String,
              values: [String: Any], status: HTTPResponse.Status = .ok) async -> Response {
        let flash = await gate.takeFlash(session: session.id)
        let frame = ConsoleRenderer.Frame(title: title, labels: labels, csrf: session.csrfToken, back: back, flash: flash)
        return html(status, renderer.render(page, frame: frame, values: values))
    }

    func html(_ status: HTTPResponse.Status, _ body: String, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
            .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                + "frame-ancestors 'none'; base-uri 'none'",
            .xContentTypeOptions: "nosniff",
            HTTPFields.Element.Name("Referrer-Policy")!: "no-referrer",
        ]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    func redirect(to path: String, cookie: Cookie? = nil) -> Response {
        var response = Response(status: .seeOther, headers: [.location: path, .cacheControl: "no-store"])
        if let cookie { response.setCookie(cookie) }
        return response
    }

    func notFound() -> Response {
        Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: "not found\n")))
    }

    func messagePage(_ status: HTTPResponse.Status, title: String, message: String, csrf: String? = nil) -> Response {
        let frame = ConsoleRenderer.Frame(title: title, labels: labels, csrf: csrf)
        return html(status, renderer.render(.message, frame: frame, values: ["message": message]))
    }

    /// The session cookie: sent only over HTTPS (browsers treat http://127.0.0.1 and localhost as secure too),
    /// never to scripts, never with a request another site starts, and only to the console's addresses.
    static func sessionCookie(_ value: String, maxAge: Int) -> Cookie {
        Cookie(name: cookieName, value: value, maxAge: maxAge, path: "/console", secure: true, httpOnly: true,
               sameSite: .strict)
    }

    /// The page to come back to after an action: a console address, else the cases.
    static func back(_ text: String?) -> String {
        guard let text, text.hasPrefix("/console/"), !text.contains("//"), !text.contains("\\"),
              text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
        else { return "/console/cases" }
        return text
    }
}

/// The answer a request gets instead of the console page it asked for.
struct ConsoleRefusal: Error {
    let response: Response
}
