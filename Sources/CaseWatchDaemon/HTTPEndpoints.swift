import Foundation
import Hummingbird
import Logging
import Prometheus
import CaseWatchApp
import CaseWatchModel
import CaseWatchPipeline
import CaseWatchRendering
import CaseWatchStore

/// The daemon's HTTP endpoints: health, metrics, one-click unsubscribe, the Atom feed, the cases.
struct HTTPEndpoints: Sendable {
    let live: LiveInputs
    let store: any StateStore
    let metrics: PrometheusCollectorRegistry
    let environment: ProcessEnvironment
    let refreshGauges: @Sendable (any StateStore) async -> Void
    /// The feeds and `/cases.json` as last built.
    let documents: PublishedDocuments
    /// An empty feed's `updated`: a fixed instant, so that rebuilding it changes none of its bytes.
    let started = Date()

    func router() -> Hummingbird.Router<DaemonRequestContext> {
        // Every GET answers HEAD too (SPEC: monitors and link checkers ask with HEAD).
        let router = Hummingbird.Router(context: DaemonRequestContext.self, options: .autoGenerateHeadEndpoints)
        Console(live: live, store: store, environment: environment).register(on: router)
        router.get("/healthz") { _, _ in
            Self.response(.ok, "text/plain; charset=utf-8", "ok\n")
        }
        // Ready when the store answers: a node that cannot reach its store should get no traffic.
        router.get("/readyz") { _, _ in
            do {
                _ = try await store.caseCount()
                return Self.response(.ok, "text/plain; charset=utf-8", "ready\n")
            } catch {
                return Self.response(.serviceUnavailable, "text/plain; charset=utf-8", "not ready: the store does not answer\n")
            }
        }
        router.get("/metrics") { _, _ in
            await refreshGauges(store)
            return Self.response(.ok, "text/plain; version=0.0.4; charset=utf-8", metrics.emitToString())
        }
        router.get("/unsubscribe") { request, _ in
            try await unsubscribePage(request, confirmed: false)
        }
        // The routes that take a body, each body no larger than InputLimits.requestBody (413 beyond).
        let forms = router.group().add(middleware: RequestBodyLimit<DaemonRequestContext>())
        forms.post("/unsubscribe") { request, _ in
            try await unsubscribePage(request, confirmed: true)
        }
        router.get("/preferences") { request, _ in
            try await preferencesPage(request, form: nil)
        }
        forms.post("/preferences") { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: 64 * 1024)
            return try await preferencesPage(request, form: Self.formFields(String(buffer: body)))
        }
        router.get("/feed.atom") { request, _ in
            let language = request.uri.queryParameters["lang"].flatMap { Language(rawValue: String($0)) } ?? .en
            let feed = try await documents.document("feed.atom?lang=\(language.rawValue)") { [live, store, started] in
                let (configuration, inputs) = await live.snapshot()
                let events = try await store.recentEvents(limit: 100).filter { $0.withdrawal == nil }
                return Array(AtomFeed.document(events: events, renderer: AlertRenderer(templates: inputs.templates),
                                               language: language, baseURL: configuration.http.baseURL,
                                               now: started).utf8)
            }
            return PublishedDocuments.response(feed, contentType: "application/atom+xml; charset=utf-8", request: request)
        }
        router.get("/cases.json") { request, _ in
            let cases = try await documents.document("cases.json") { [store] in try await store.casesJSON() }
            return PublishedDocuments.response(cases, contentType: "application/json", request: request)
        }
        return router
    }

    /// RFC 8058: a POST with a genuine token unsubscribes at once; a GET only shows a page with the
    /// button, so that link scanners never unsubscribe anyone. A forged or altered token gets 403.
    private func unsubscribePage(_ request: Request, confirmed: Bool) async throws -> Response {
        let (configuration, inputs) = await live.snapshot()
        let tokens = UnsubscribeToken(keys: try await PipelineInputs.linkKeys(configuration, store, environment))
        let token = request.uri.queryParameters["token"].map(String.init) ?? ""
        guard let subscriberID = tokens.subscriberID(from: token) else {
            return refusedLink(token, inputs: inputs)
        }
        let subscriber = inputs.subscribers.first { $0.id == subscriberID }
        let language = subscriber?.language ?? .en
        if confirmed, let subscriber {
            try await SubscriberOptOuts(store: store).unsubscribe(subscriber, channels: [.email],
                                                                  reason: "one-click unsubscribe", now: Date())
        }
        let page = inputs.templates.renderPage(
            confirmed ? .unsubscribedPage : .unsubscribePage, language: language,
            values: ["subscriber_name": subscriber?.name ?? subscriberID,
                     "unsubscribe_url": tokens.url(baseURL: configuration.http.baseURL, subscriberID: subscriberID)])
        return Self.response(.ok, "text/html; charset=utf-8", page)
    }

    /// The subscriber's preference page: GET shows the form, POST (the form) saves the choices and says so.
    private func preferencesPage(_ request: Request, form: [(String, String)]?) async throws -> Response {
        let (configuration, inputs) = await live.snapshot()
        let tokens = UnsubscribeToken(keys: try await PipelineInputs.linkKeys(configuration, store, environment),
                                      purpose: .preferences)
        let token = request.uri.queryParameters["token"].map(String.init) ?? ""
        guard let subscriberID = tokens.subscriberID(from: token),
              let subscriber = inputs.subscribers.first(where: { $0.id == subscriberID })
        else {
            return refusedLink(token, inputs: inputs)
        }
        let page = PreferencePage(store: store, templates: inputs.templates)
        let url = tokens.url(baseURL: configuration.http.baseURL, subscriberID: subscriberID)
        let now = Date()
        guard let form else {
            return Self.response(.ok, "text/html; charset=utf-8", try await page.form(for: subscriber, url: url, now: now))
        }
        guard let chosen = PreferencePage.choices(from: form, current: try await page.choices(of: subscriberID), now: now)
        else {
            return Self.response(.badRequest, "text/html; charset=utf-8",
                                 try await page.form(for: subscriber, url: url, badDigest: true, now: now))
        }
        try await page.save(chosen, for: subscriberID)
        let language = chosen.applied(to: subscriber).language
        return Self.response(.ok, "text/html; charset=utf-8", inputs.templates.renderPage(
            .preferencesSavedPage, language: language,
            values: ["subscriber_name": subscriber.name, "preferences_url": url]))
    }

    /// The fields of an `application/x-www-form-urlencoded` body, in order (a name may repeat).
    static func formFields(_ body: String) -> [(String, String)] {
        body.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            guard let name = parts.first else { return nil }
            return (decode(name), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    /// 403, with a page in the language of the subscriber the token claims to be for (English when none).
    private func refusedLink(_ token: String, inputs: PipelineInputs) -> Response {
        let claimed = UnsubscribeToken.claimedSubscriberID(in: token)
        let language = inputs.subscribers.first { $0.id == claimed }?.language ?? .en
        return Self.response(.forbidden, "text/html; charset=utf-8",
                             inputs.templates.renderPage(.invalidLinkPage, language: language, values: [:]))
    }

    static func response(_ status: HTTPResponse.Status, _ contentType: String, _ body: String) -> Response {
        Response(status: status, headers: [.contentType: contentType],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
