public import Hummingbird
import TesseraCore

/// Lets a request through only when its browser is logged in. Otherwise a `GET` or `HEAD` is
/// redirected to the login route, which brings the browser back to the same path and query once
/// logged in; any other method gets a 401 page with a login link (a redirect would lose its body).
///
/// It looks the session up itself when ``OIDCSessionMiddleware`` has not already, so it can guard
/// a group on its own:
///
/// ```swift
/// router.group("/dashboard")
///     .add(middleware: login.requireLogin)
///     .get { _, context in "Logged in as \(context.oidc.claims?.email ?? "?")" }
/// ```
public struct RequireLoginMiddleware<Context: OIDCRequestContext>: RouterMiddleware {
    let session: OIDCSessionMiddleware<Context>

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let loginPath = session.sessions.configuration.loginPath
        return try await session.handle(request, context: context) { request, context in
            if context.oidc.isLoggedIn {
                return try await next(request, context)
            }
            guard request.method == .get || request.method == .head else {
                return LoginPages.loginRequired(loginPath: loginPath)
            }
            let target = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            return .redirect(to: loginPath + "?" + FormURLEncoding.encode([("return_to", target)]), status: .found)
        }
    }
}
