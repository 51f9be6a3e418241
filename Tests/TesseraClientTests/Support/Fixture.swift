import Foundation
import Testing
import TesseraClient
import TesseraCore

/// A client wired to a fake provider: explicit metadata, a fake transport serving the test
/// issuer's JWKS, and a clock the test controls.
struct Fixture {
    static let base = TestIssuer.issuer
    static let tokenEndpoint = base + "/oauth/token"
    static let jwksURI = base + "/.well-known/jwks.json"
    static let userinfoEndpoint = base + "/userinfo"
    static let revocationEndpoint = base + "/oauth/revoke"
    static let discoveryURL = base + "/.well-known/openid-configuration"
    static let redirectURI = "https://app.example/callback"
    static let secret = Secret("s3cr:t+/=ü secret")

    let transport = FakeTransport()
    let clock = TestClock()
    let keys = TestIssuer.shared
    var metadata = ProviderMetadata(
        issuer: TestIssuer.issuer,
        authorizationEndpoint: base + "/authorize",
        tokenEndpoint: tokenEndpoint,
        userinfoEndpoint: userinfoEndpoint,
        jwksURI: jwksURI,
        revocationEndpoint: revocationEndpoint,
        endSessionEndpoint: base + "/oidc/logout",
        idTokenSigningAlgValuesSupported: ["RS256", "ES256", "EdDSA"],
        authorizationResponseIssParameterSupported: true)
    var configuration = ClientConfiguration(clientID: TestIssuer.clientID, clientSecret: Fixture.secret, redirectURI: redirectURI)

    init(jwks: String? = nil) {
        transport.on(Self.jwksURI, json: jwks ?? TestIssuer.shared.jwks())
    }

    func client() -> OIDCClient {
        OIDCClient(provider: .metadata(metadata), configuration: configuration, transport: transport, now: clock.read)
    }

    var now: Date { clock.now }

    /// The expectations the client would use for an id_token answering `nonce`.
    func expectations(nonce: Secret?, accessToken: Secret? = nil) -> IDTokenExpectations {
        IDTokenExpectations(issuer: metadata.issuer, clientID: configuration.clientID,
                            allowedAlgorithms: IDTokenExpectations.algorithms(configured: configuration.allowedAlgorithms,
                                                                              advertised: metadata.idTokenSigningAlgValuesSupported),
                            nonce: nonce, accessToken: accessToken, clockSkew: configuration.clockSkew)
    }

    /// A pending authorization as the client would keep it.
    func pending(scope: Scope = "openid profile email offline_access") throws -> PendingAuthorization {
        try AuthorizationRequest.build(metadata: metadata, configuration: configuration, scope: scope, now: now).pending
    }

    /// The token endpoint answers with a token response for `accessToken`, its id_token signed now.
    func serveTokens(nonce: String?, accessToken: String = "access-1", refreshToken: String? = "refresh-1",
                     claims: (inout TestClaims) -> Void = { _ in }) async throws {
        var idClaims = TestClaims(now: now, nonce: nonce)
        idClaims.at_hash = AccessTokenHash.compute(for: Secret(accessToken), algorithm: "RS256")
        claims(&idClaims)
        let idToken = try await keys.sign(idClaims)
        var body: [String: Any] = ["access_token": accessToken, "id_token": idToken.unredacted, "token_type": "Bearer",
                                   "expires_in": 86400, "scope": "openid profile email offline_access"]
        if let refreshToken { body["refresh_token"] = refreshToken }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
        transport.on(Self.tokenEndpoint, json: json)
    }
}

/// Runs `body`, expecting a ``ClientError`` with `code`.
func expectClientError(_ code: ClientError.Code, sourceLocation: SourceLocation = #_sourceLocation,
                       _ body: () async throws -> Void) async {
    do {
        try await body()
        Issue.record("expected \(code), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as ClientError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
    }
}

/// Runs `body`, expecting the provider's ``OAuthError`` with `code` and `status`.
@discardableResult
func expectOAuthError(_ code: OAuthError.Code, status: Int? = nil, sourceLocation: SourceLocation = #_sourceLocation,
                      _ body: () async throws -> Void) async -> OAuthError? {
    do {
        try await body()
        Issue.record("expected \(code), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as OAuthError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        if let status { #expect(error.status == status, sourceLocation: sourceLocation) }
        return error
    } catch {
        Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// The fields of a form body or query string, the first value of a name winning.
func formFields(_ text: String) -> [String: String] {
    Dictionary((FormURLEncoding.decode(text) ?? []).map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
}

/// The fields of a URL's query.
func queryFields(_ url: URL) -> [String: String] {
    formFields(URLComponents(url: url, resolvingAgainstBaseURL: false)?.percentEncodedQuery ?? "")
}

extension TransportRequest {
    /// The fields of a form-encoded body.
    var formBody: [String: String] { formFields(body?.unredacted ?? "") }
}
