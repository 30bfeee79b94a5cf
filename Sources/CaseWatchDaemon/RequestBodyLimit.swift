import Hummingbird
import InputFormats

/// Refuses a request body larger than ``InputLimits/requestBody`` with 413, on the routes that take a body (the
/// unsubscribe and preference forms), before the handler runs.
///
/// A declared `Content-Length` over the limit is refused unread; a body without one (chunked) is collected up to the
/// limit and refused as soon as it passes it, so no request holds more than the limit in memory. The handler then
/// reads the body already collected.
struct RequestBodyLimit<Context: RequestContext>: RouterMiddleware {
    var limit = InputLimits.requestBody

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let refusal = HTTPError(.contentTooLarge, message: "the request body is larger than the limit of "
            + "\(InputLimits.describe(limit))\n")
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit { throw refusal }
        var request = request
        do {
            _ = try await request.collectBody(upTo: limit)
        } catch let error as HTTPResponseError where error.status == .contentTooLarge {
            throw refusal
        }
        return try await next(request, context)
    }
}
