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

    func router() -> Hummingbird.Router<BasicRequestContext> {
        let router = Hummingbird.Router()
        router.get("/healthz") { _, _ in
            Self.response(.ok, "text/plain; charset=utf-8", "ok\n")
        }
        router.get("/metrics") { _, _ in
            await refreshGauges(store)
            return Self.response(.ok, "text/plain; version=0.0.4; charset=utf-8", metrics.emitToString())
        }
        router.get("/unsubscribe") { request, _ in
            try await unsubscribePage(request, confirmed: false)
        }
        router.post("/unsubscribe") { request, _ in
            try await unsubscribePage(request, confirmed: true)
        }
        router.get("/feed.atom") { request, _ in
            let language = request.uri.queryParameters["lang"].flatMap { Language(rawValue: String($0)) } ?? .en
            let (configuration, inputs) = await live.snapshot()
            let events = try await store.recentEvents(limit: 100)
            let xml = AtomFeed.document(events: events, renderer: AlertRenderer(templates: inputs.templates),
                                        language: language, baseURL: configuration.http.baseURL, now: Date())
            return Self.response(.ok, "application/atom+xml; charset=utf-8", xml)
        }
        router.get("/cases.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"],
                     body: ResponseBody(byteBuffer: ByteBuffer(bytes: try await store.casesJSON())))
        }
        return router
    }

    /// RFC 8058: a POST with a genuine token unsubscribes at once; a GET only shows a page with the
    /// button, so that link scanners never unsubscribe anyone. A forged or altered token gets 403.
    private func unsubscribePage(_ request: Request, confirmed: Bool) async throws -> Response {
        let (configuration, inputs) = await live.snapshot()
        let secret = try await PipelineInputs.tokenSecret(configuration, store, environment)
        let tokens = UnsubscribeToken(secret: secret)
        guard let token = request.uri.queryParameters["token"].map(String.init),
              let subscriberID = tokens.subscriberID(from: token)
        else {
            return Self.response(.forbidden, "text/plain; charset=utf-8", "This unsubscribe link is not valid.\n")
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

    static func response(_ status: HTTPResponse.Status, _ contentType: String, _ body: String) -> Response {
        Response(status: status, headers: [.contentType: contentType],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
