public import Hummingbird
import Logging
public import TesseraClient
public import TesseraCore

/// Lets a request through to an API only with an access token the ``AccessTokenVerifier`` accepts
/// (an ``AccessTokenValidator`` for JWTs, a ``TokenIntrospector`` for opaque tokens), and puts the
/// verified token in `context.accessToken`.
///
/// It answers as RFC 6750 §3 and RFC 9728 §5.1 say, each with a JSON body too:
/// - no token: 401 `WWW-Authenticate: Bearer resource_metadata="…"`, no error code (§3.1), so
///   a client that has never seen the API learns where its metadata — and so its authorization
///   server — is;
/// - a token the verifier refuses: 401 `Bearer error="invalid_token", error_description="…"`;
/// - a token sent wrongly (two `Authorization` headers, in the URL, in a form body): 400
///   `invalid_request`;
/// - the authorization server unreachable, so the token could not be checked: 503, since the
///   client is not at fault and must not throw its token away.
///
/// The token is never logged; a refused token is logged at `debug` with the verifier's error code
/// only (a client's mistake is not the API's error). The metadata document's own paths pass
/// through unguarded, so the middleware can sit in front of the whole router.
///
/// ```swift
/// let router = Router(context: BasicAccessTokenRequestContext.self)
/// router.addProtectedResourceMetadata(metadata)
/// router.add(middleware: BearerTokenMiddleware(verifier: validator, metadata: metadata))
/// router.get("/messages") { _, context in "hello \(context.accessToken?.subject ?? "")" }
/// ```
public struct BearerTokenMiddleware<Context: AccessTokenRequestContext>: RouterMiddleware {
    let verifier: any AccessTokenVerifier
    let resourceMetadata: String?
    let unguardedPaths: Set<String>
    let formBodyLimit: Int

    /// - Parameters:
    ///   - verifier: decides whether a token is good for this API.
    ///   - metadata: the API's RFC 9728 document (see ``Hummingbird/RouterMethods/addProtectedResourceMetadata(_:)``);
    ///     its URL goes in every challenge. `nil` leaves `resource_metadata` out.
    ///   - formBodyLimit: how much of a form-encoded body is read to check that it carries no
    ///     `access_token`; a larger one is refused with 413.
    public init(verifier: any AccessTokenVerifier, metadata: ProtectedResourceMetadata?,
                formBodyLimit: Int = 1 << 20, context: Context.Type = Context.self) {
        self.verifier = verifier
        self.resourceMetadata = metadata?.metadataURL
        self.unguardedPaths = metadata.map { [ProtectedResourceMetadata.wellKnownPath, $0.wellKnownRoutePath] } ?? []
        self.formBodyLimit = formBodyLimit
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if unguardedPaths.contains(request.uri.path) {
            return try await next(request, context)
        }
        var request = request
        let token: Secret
        do {
            switch try await BearerCredentials.find(in: &request, formBodyLimit: formBodyLimit, resourceMetadata: resourceMetadata) {
            case .none: return BearerRefusal.missingToken(resourceMetadata: resourceMetadata).response
            case .token(let found): token = found
            }
        } catch let refusal as BearerRefusal {
            context.logger.debug("bearer request malformed", metadata: ["error.description": "\(refusal.description ?? "")"])
            return refusal.response
        }
        var context = context
        do {
            context.accessToken = try await verifier.verify(token)
        } catch where error.isAuthorizationServerUnavailable {
            context.logger.warning("access token could not be checked: authorization server unavailable",
                                   metadata: ["error.code": "\(error.code)", "error.message": "\(error.message)"])
            return BearerRefusal.authorizationServerUnavailable.response
        } catch {
            context.logger.debug("access token refused", metadata: ["error.code": "\(error.code)"])
            return BearerRefusal.invalidToken(error.message, resourceMetadata: resourceMetadata).response
        }
        return try await next(request, context)
    }
}
