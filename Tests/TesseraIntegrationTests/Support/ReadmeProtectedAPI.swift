import Hummingbird
import TesseraClient
import TesseraCore
import TesseraHummingbird

/// README "Protecting an API (TesseraHummingbird)", line for line but for the values the test
/// hands in and the last line (the test runs the router on a free port): so the example compiles,
/// and ProtectedAPITests runs it against the real provider.
enum ReadmeProtectedAPI {
    static func router(issuer: String, api: String) async throws -> Router<BasicAccessTokenRequestContext> {
        let validator = try await AccessTokenValidator.discover(issuer: issuer, audience: api)
        let metadata = ProtectedResourceMetadata(resource: api, authorizationServers: [issuer], scopesSupported: ["read:messages"])

        let router = Router(context: BasicAccessTokenRequestContext.self)
        router.addProtectedResourceMetadata(metadata)             // GET /.well-known/oauth-protected-resource (RFC 9728)
        router.group("/messages")
            .add(middleware: BearerTokenMiddleware(verifier: validator, metadata: metadata))  // 401, 400, 503
            .add(middleware: RequireScopes("read:messages", metadata: metadata))              // 403 insufficient_scope
            .get { _, context in "hello \(context.accessToken?.subject ?? "")" }              // the verified token
        return router
    }
}
