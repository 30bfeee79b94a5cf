import CaseWatchModel
import Foundation
import Hummingbird
import Logging

extension Console {
    /// Mounts the console on the daemon's router. Every GET answers HEAD too (the router makes those).
    func register(on router: Router<DaemonRequestContext>) {
        router.get("/console") { _, _ in
            guard await expectedToken() != nil else { return notFound() }
            return redirect(to: "/console/cases")
        }
        router.get("/console/login") { _, _ in
            guard await expectedToken() != nil else { return notFound() }
            return loginPage(.ok)
        }
        router.post("/console/login") { request, context in
            try await logIn(request, context: context)
        }
        router.post("/console/logout") { request, _ in
            try await acting(request) { session, _ in
                await gate.close(session.id)
                return redirect(to: "/console/login", cookie: Self.sessionCookie("", maxAge: 0))
            }
        }
        router.get("/console/cases") { request, _ in
            try await viewing(request) { session in
                let query = ConsoleCaseQuery(parameters: Self.parameters(request))
                return await page(.cases, title: labels["cases"], session: session, back: query.url(page: query.page),
                                  values: try await pages.cases(query))
            }
        }
        router.get("/console/cases/:id") { request, context in
            try await viewing(request) { session in
                let id = context.parameters.get("id") ?? ""
                guard let (title, values) = try await pages.timeline(caseID: id) else {
                    return messagePage(.notFound, title: labels["not_found_title"], message: labels["not_found"],
                                       csrf: session.csrfToken)
                }
                return await page(.timeline, title: title, session: session, back: "/console/cases/\(id)",
                                  values: values)
            }
        }
        router.get("/console/outbox") { request, _ in
            try await viewing(request) { session in
                await page(.outbox, title: labels["outbox"], session: session, back: "/console/outbox",
                           values: try await pages.outbox())
            }
        }
        router.get("/console/subscribers") { request, _ in
            try await viewing(request) { session in
                await page(.subscribers, title: labels["subscribers"], session: session, back: "/console/subscribers",
                           values: try await pages.subscriberList())
            }
        }
        router.get("/console/silences") { request, _ in
            try await viewing(request) { session in
                await page(.silences, title: labels["silences"], session: session, back: "/console/silences",
                           values: try await pages.silenceList(labels: labels, now: Date()))
            }
        }
        router.get("/console/sources") { request, _ in
            try await viewing(request) { session in
                await page(.sources, title: labels["sources"], session: session, back: "/console/sources",
                           values: try await pages.sourcesAndNodes(labels: labels, now: Date()))
            }
        }
        for action in ConsoleActions.Action.allCases {
            router.post(RouterPath("/console/\(action.rawValue)")) { request, context in
                try await acting(request) { session, form in
                    let actions = ConsoleActions(live: live, store: store, environment: environment, labels: labels)
                    let flash = try await actions.perform(action, form: form, now: Date())
                    context.logger.notice("console action", metadata: [
                        "console.action": "\(action.rawValue)", "console.target": "\(form["id"] ?? form["event"] ?? "")",
                    ])
                    await gate.setFlash(flash, session: session.id)
                    return redirect(to: Self.back(form["back"]))
                }
            }
        }
    }

    /// A GET page: signed in, or redirected to the sign-in (404 without a console).
    private func viewing(_ request: Request, _ body: (ConsoleSessionTable.Session) async throws -> Response)
        async throws -> Response
    {
        switch await signedIn(request) {
        case .failure(let refusal): return refusal.response
        case .success(let session): return try await body(session)
        }
    }

    /// A POST: signed in and carrying the session's CSRF token, else 403 and nothing done.
    private func acting(_ request: Request,
                        _ body: (ConsoleSessionTable.Session, [String: String]) async throws -> Response)
        async throws -> Response
    {
        guard await expectedToken() != nil else { return notFound() }
        var request = request
        let form = Self.form(try await request.collectBody(upTo: 64 * 1024))
        guard let session = await gate.session(request.cookies[Self.cookieName]?.value, now: Date()),
              ConsoleSessionTable.constantTimeEquals(form["csrf"] ?? "", session.csrfToken)
        else {
            return messagePage(.forbidden, title: labels["forbidden_title"], message: labels["forbidden"])
        }
        return try await body(session, form)
    }

    private func logIn(_ request: Request, context: DaemonRequestContext) async throws -> Response {
        guard let expected = await expectedToken() else { return notFound() }
        var request = request
        let form = Self.form(try await request.collectBody(upTo: 8 * 1024))
        let address = context.clientAddress
        switch await gate.logIn(token: form["token"] ?? "", expected: expected, address: address, now: Date()) {
        case .opened(let session):
            context.logger.notice("console sign-in", metadata: ["client.address": "\(address)"])
            return redirect(to: "/console/cases", cookie: Self.sessionCookie(
                session.id, maxAge: Int(session.expiresAt.timeIntervalSinceNow.rounded(.down))))
        case .refused:
            context.logger.warning("console sign-in refused: wrong token", metadata: ["client.address": "\(address)"])
            return loginPage(.forbidden, error: labels["login_refused"])
        case .limited(let seconds):
            context.logger.warning("console sign-in limited", metadata: ["client.address": "\(address)"])
            return html(.tooManyRequests, renderer.render(
                .login, frame: .init(title: labels["login_title"], labels: labels, error: labels["login_limited"])),
                headers: [.retryAfter: String(seconds)])
        }
    }

    private func loginPage(_ status: HTTPResponse.Status, error: String? = nil) -> Response {
        html(status, renderer.render(.login, frame: .init(title: labels["login_title"], labels: labels, error: error)))
    }

    /// The query string's parameters, decoded as a GET form sends them (`+` for a space; the last of a repeated name
    /// wins).
    static func parameters(_ request: Request) -> [String: String] {
        Dictionary(HTTPEndpoints.formFields(request.uri.query ?? ""), uniquingKeysWith: { _, last in last })
    }

    /// An `application/x-www-form-urlencoded` body's fields (the last of a repeated name wins).
    static func form(_ body: ByteBuffer) -> [String: String] {
        Dictionary(HTTPEndpoints.formFields(String(buffer: body)), uniquingKeysWith: { _, last in last })
    }
}
