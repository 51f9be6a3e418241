import Hummingbird
import TesseraClient
import TesseraCore
import TesseraHummingbird

/// The protected API of `tessera demo`: the other half of the access token. The provider knows
/// it as an API (its identifier, the permission `read:messages`) and grants the demo app that
/// permission; the app's dashboard calls `GET /messages` with the user's access token and shows
/// the answer. Built as any app would protect a route with TesseraHummingbird: the RFC 9068
/// token checked against the provider's keys, the scope required, RFC 9728 metadata served.
struct DemoAPI: Sendable {
    /// The one permission the API defines and `GET /messages` needs.
    static let scope = "read:messages"

    /// The API's identifier (its base URL with a `/`): the `audience` the app asks a token for.
    let identifier: String
    let metadata: ProtectedResourceMetadata
    let validator: AccessTokenValidator

    /// The API at `apiURL`, accepting tokens `providerURL` issues for it. The provider's keys are
    /// fetched on the first request, so the API can start before the provider answers.
    init(apiURL: String, providerURL: String) {
        identifier = apiURL + "/"
        metadata = ProtectedResourceMetadata(resource: identifier, authorizationServers: [providerURL],
                                             scopesSupported: [Self.scope], resourceName: "Tessera demo API")
        validator = AccessTokenValidator(issuer: providerURL, jwksURI: providerURL + "/.well-known/jwks.json",
                                         audience: identifier, transport: AsyncHTTPClientTransport())
    }

    /// What `GET /messages` answers.
    struct Answer: ResponseCodable {
        let message: String
        let subject: String
        let scope: String
    }

    func router() -> Router<BasicAccessTokenRequestContext> {
        let router = Router(context: BasicAccessTokenRequestContext.self)
        router.addProtectedResourceMetadata(metadata)
        router.group("/messages")
            .add(middleware: BearerTokenMiddleware(verifier: validator, metadata: metadata))
            .add(middleware: RequireScopes(Scope(Self.scope), metadata: metadata))
            .get { _, context -> Answer in
                let subject = context.accessToken?.subject ?? ""
                return Answer(message: "hello \(subject), you may \(Self.scope)", subject: subject, scope: Self.scope)
            }
        return router
    }
}
