public import TesseraCore

/// Where the client learns the provider's endpoints.
///
/// ```swift
/// .discovery(issuer: "https://tenant.auth0.com/")     // OpenID Connect Discovery, cached
/// .metadata(ProviderMetadata(issuer: "https://login.example", authorizationEndpoint: "https://login.example/authorize",
///                            tokenEndpoint: "https://login.example/oauth/token", jwksURI: "https://login.example/jwks"))
/// ```
public enum ProviderSource: Sendable {
    /// Fetch `{issuer}/.well-known/openid-configuration`; its `issuer` must equal this one exactly.
    case discovery(issuer: String)
    /// Endpoints given explicitly, for providers without discovery.
    case metadata(ProviderMetadata)
}
