import Foundation
import HTTPTypes
import Hummingbird
import TesseraCore

/// `GET /.well-known/openid-configuration` (OpenID Connect Discovery §4) and its RFC 8414 twin
/// `/.well-known/oauth-authorization-server`: the same document, built once.
struct DiscoveryEndpoint: Sendable {
    let document: [UInt8]

    init(configuration: ProviderConfiguration) {
        var metadata = ProviderMetadata(
            issuer: configuration.issuer,
            authorizationEndpoint: configuration.url("/authorize"),
            tokenEndpoint: configuration.url("/oauth/token"),
            userinfoEndpoint: configuration.url("/userinfo"),
            jwksURI: configuration.url("/.well-known/jwks.json"),
            revocationEndpoint: configuration.url("/oauth/revoke"),
            introspectionEndpoint: configuration.url("/oauth/introspect"),
            endSessionEndpoint: configuration.url("/oidc/logout"),
            scopesSupported: AuthorizationRequest.supportedScopes.tokens,
            responseTypesSupported: ["code"],
            responseModesSupported: ResponseMode.allCases.map(\.rawValue),
            grantTypesSupported: [GrantType.authorizationCode, .refreshToken, .clientCredentials].map(\.rawValue),
            subjectTypesSupported: ["public"],
            idTokenSigningAlgValuesSupported: SigningAlgorithm.allCases.map(\.rawValue),
            tokenEndpointAuthMethodsSupported: ["client_secret_basic", "client_secret_post", "none"],
            revocationEndpointAuthMethodsSupported: ["client_secret_basic", "client_secret_post", "none"],
            introspectionEndpointAuthMethodsSupported: ["client_secret_basic", "client_secret_post"],
            codeChallengeMethodsSupported: [PKCE.method],
            claimsSupported: ["iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "sid", "acr", "amr"] + StandardClaims.all,
            promptValuesSupported: ["none", "login", "consent"],
            authorizationResponseIssParameterSupported: true,
            requestParameterSupported: false,
            claimsParameterSupported: true,
            requestURIParameterSupported: false,
            acrValuesSupported: [AuthenticationLevel.acr],
            displayValuesSupported: AuthorizationContext.displayValues,
            uiLocalesSupported: ["en"],
            pushedAuthorizationRequestEndpoint: configuration.url(PushedAuthorizationEndpoint.path),
            requirePushedAuthorizationRequests: false
        )
        metadata.backchannelLogoutSupported = true
        metadata.backchannelLogoutSessionSupported = true
        metadata.dpopSigningAlgValuesSupported = configuration.dpop.proofPolicy.algorithmNames
        if configuration.registration.mode != .off {
            metadata.registrationEndpoint = configuration.url(RegistrationEndpoint.path)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        self.document = Array((try? encoder.encode(metadata)) ?? Data())
    }

    func respond(to request: Request, context: some RequestContext) -> Response {
        .json(bytes: document, noStore: false, headers: [.cacheControl: "public, max-age=3600"])
    }
}
