import TesseraCore

/// Authenticates the client of a token, revocation or introspection request (RFC 6749 §2.3).
///
/// Three methods: `client_secret_basic` (the Authorization header), `client_secret_post` (the
/// seed's `client_secret` in the body) and `none` (a public client naming itself with `client_id`).
/// Client secrets are generated with 256 bits of entropy and stored as SHA-256, so checking one
/// costs a hash and a constant-time comparison — never bcrypt on the hot path.
struct ClientAuthenticator: Sendable {
    let clients: any ClientStore

    /// The outcome of authentication: who the client is, and whether it used Basic (a refusal
    /// must then carry `WWW-Authenticate: Basic`).
    struct Failure: Error {
        let error: OAuthError
        let triedBasic: Bool
    }

    func authenticate(authorization: String?, parameters: OAuthParameters) async throws -> Client {
        let basic: BasicCredentials?
        do {
            basic = try authorization.flatMap(BasicCredentials.parse(authorization:))
        } catch {
            throw Failure(error: error, triedBasic: true)
        }
        if authorization != nil, basic == nil {
            throw Failure(error: OAuthError(.invalidRequest, "Only the Basic authentication scheme is supported here."), triedBasic: false)
        }
        let bodyID = parameters["client_id"]
        let bodySecret = parameters["client_secret"].map(Secret.init)

        if let basic {
            // Two methods at once is ambiguous (RFC 6749 §2.3): refuse rather than pick one.
            guard bodySecret == nil else {
                throw Failure(error: OAuthError(.invalidRequest, "Use one client authentication method: a Basic header or client_secret in the body, not both."), triedBasic: true)
            }
            guard bodyID == nil || bodyID == basic.clientID else {
                throw Failure(error: OAuthError(.invalidRequest, "The client_id in the body does not match the Basic credentials."), triedBasic: true)
            }
            return try await verify(id: basic.clientID, secret: basic.clientSecret, triedBasic: true)
        }
        guard let bodyID else {
            throw Failure(error: OAuthError(.invalidClient, "Client authentication is required: send client_id and client_secret, or a Basic header."), triedBasic: false)
        }
        if let bodySecret {
            return try await verify(id: bodyID, secret: bodySecret, triedBasic: false)
        }
        guard let client = try await clients.client(id: bodyID), client.isPublic else {
            throw Failure(error: OAuthError(.invalidClient, "Client authentication failed: this client must authenticate with its secret."), triedBasic: false)
        }
        return client
    }

    private func verify(id: String, secret: Secret, triedBasic: Bool) async throws -> Client {
        let client = try await clients.client(id: id)
        // Hash even for an unknown client, so the answer takes the same time either way.
        let presented = SecretHash(of: secret)
        guard let client, let stored = client.secretHash, presented.matches(stored) else {
            throw Failure(error: OAuthError(.invalidClient, "Client authentication failed: unknown client or wrong secret."), triedBasic: triedBasic)
        }
        return client
    }
}
