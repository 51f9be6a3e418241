public import Hummingbird

/// Looks up the browser's login for every request that passes through it and puts it in
/// `context.oidc`: the user's claims, and tokens already refreshed when they were within the
/// client's refresh-ahead window (60 s by default) of expiring.
///
/// It never refuses a request: a page that works with or without a login reads
/// `context.oidc.isLoggedIn`; one that needs a login sits behind ``RequireLoginMiddleware``.
/// A session the provider has ended (its refresh token revoked) is dropped, and its cookie cleared.
///
/// ```swift
/// let router = Router(context: BasicOIDCRequestContext.self)
/// router.add(middleware: login.sessionMiddleware)
/// router.get("/") { _, context in
///     context.oidc.claims.map { "Hello, \($0.email ?? $0.subject)" } ?? "Hello, stranger"
/// }
/// ```
public struct OIDCSessionMiddleware<Context: OIDCRequestContext>: RouterMiddleware {
    let sessions: LoginSessions

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !context.oidc.isResolved else { return try await next(request, context) }
        var context = context
        let (tokens, client, clearCookie) = await sessions.resolve(request, logger: context.logger)
        context.oidc.tokens = tokens
        context.oidc.client = client
        context.oidc.isResolved = true
        var response = try await next(request, context)
        if clearCookie { response.setCookie(sessions.cookie.cleared()) }
        return response
    }
}
