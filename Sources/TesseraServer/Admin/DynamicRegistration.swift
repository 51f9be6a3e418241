import TesseraCore

/// Dynamic client registration (RFC 7591) and its management (RFC 7592), between the endpoint
/// and storage: it makes the client's id and secrets, decides who may read, change or delete a
/// registration, and answers in typed outcomes the endpoint turns into HTTP.
///
/// Every secret it makes — the client secret and the registration access token — is returned
/// once and stored only as its SHA-256; a presented registration access token is compared with
/// the stored hash in constant time (``SecretHash/matches(_:)``).
struct DynamicRegistration: Sendable {
    let store: any RegistrationStore
    let clock: WallClock

    /// A registration as RFC 7591 §3.2.1 and RFC 7592 §3 answer it: the record with a registration
    /// access token just issued (only hashes are kept, so every answer carries a fresh one) and,
    /// at registration only, the client secret. Shown once, never again.
    struct Answer: Sendable {
        let record: RegisteredClientRecord
        let registrationAccessToken: Secret
        var secret: Secret? = nil
    }

    enum Refusal: Error {
        /// No (or an unusable) initial access token, in `token` mode.
        case initialAccessToken
        /// No such self-registered client, or the registration access token is not its own.
        case registrationAccessToken
        /// A metadata problem, with RFC 7591 §3.2.2's code.
        case metadata(OAuthError)
    }

    /// Registers a third-party client; with `initialAccessToken`, one of its uses pays for it.
    func register(_ metadata: ClientMetadata, initialAccessToken: Secret?) async throws -> Answer {
        let secret = metadata.authMethod == .none ? nil : Secret.random()
        let registrationAccessToken = Secret.random()
        let client = metadata.registration.client(id: Client.newID(), secretHash: secret.map(SecretHash.init(of:)))
        let details = RegistrationDetails(registrationTokenHash: SecretHash(of: registrationAccessToken),
                                          authMethod: metadata.authMethod.rawValue, scope: metadata.scope)
        let now = clock.now()
        switch try await store.register(client, details: details, spending: initialAccessToken.map(SecretHash.init(of:)), at: now) {
        case .refused: throw Refusal.initialAccessToken
        case .registered: break
        }
        return Answer(record: RegisteredClientRecord(client: client, details: details, createdAt: now),
                      registrationAccessToken: registrationAccessToken, secret: secret)
    }

    /// Whether `token` may still pay for a registration (checked before the metadata is, so an
    /// unauthorized caller learns nothing of the rules).
    func accepts(initialAccessToken token: Secret) async throws -> Bool {
        try await store.initialAccessTokenIsUsable(hash: SecretHash(of: token), at: clock.now())
    }

    /// The self-registered client `clientID`, when `token` is its registration access token.
    func authorizedRecord(clientID: String, token: Secret?) async throws -> RegisteredClientRecord {
        guard let token, let record = try await store.registeredClient(id: clientID),
              record.details.registrationTokenHash.matches(SecretHash(of: token)) else {
            throw Refusal.registrationAccessToken
        }
        return record
    }

    /// RFC 7592 §2.1, §3: `record` with a fresh registration access token; the old one stops
    /// working, as §3 allows.
    func rotateToken(of record: RegisteredClientRecord) async throws -> Answer {
        let token = Secret.random()
        var rotated = record
        rotated.details.registrationTokenHash = SecretHash(of: token)
        guard try await store.rotateRegistrationToken(clientID: record.client.id, from: record.details.registrationTokenHash,
                                                      to: rotated.details.registrationTokenHash) else {
            throw Refusal.registrationAccessToken
        }
        return Answer(record: rotated, registrationAccessToken: token)
    }

    /// RFC 7592 §2.2: replaces the metadata of `record`'s client, keeping its id and secret.
    /// The request must name the same `client_id`, and a `client_secret`, if sent, must be the
    /// client's own; a client cannot turn public or confidential (it would lose or lack a secret).
    func replace(_ record: RegisteredClientRecord, with members: [String: JSONValue]) async throws -> Answer {
        guard members["client_id"]?.string == record.client.id else {
            throw Refusal.metadata(OAuthError(.invalidClientMetadata, "The update must carry the client's own client_id (RFC 7592 §2.2)."))
        }
        if let sent = members["client_secret"] {
            guard let text = sent.string, let stored = record.client.secretHash, stored.matches(SecretHash(of: Secret(text))) else {
                throw Refusal.metadata(OAuthError(.invalidClientMetadata, "The update carries a client_secret that is not the client's (RFC 7592 §2.2)."))
            }
        }
        let metadata: ClientMetadata
        do {
            metadata = try ClientMetadata(members: members)
        } catch {
            throw Refusal.metadata(error)
        }
        guard (metadata.authMethod == .none) == record.client.isPublic else {
            throw Refusal.metadata(OAuthError(.invalidClientMetadata,
                                              "token_endpoint_auth_method cannot switch between none and a client secret; register a new client instead."))
        }
        let client = metadata.registration.client(id: record.client.id, secretHash: record.client.secretHash)
        let token = Secret.random()
        let details = RegistrationDetails(registrationTokenHash: SecretHash(of: token), authMethod: metadata.authMethod.rawValue,
                                          scope: metadata.scope)
        guard try await store.replaceRegisteredClient(client, details: details, previousTokenHash: record.details.registrationTokenHash) else {
            throw Refusal.registrationAccessToken
        }
        return Answer(record: RegisteredClientRecord(client: client, details: details, createdAt: record.createdAt), registrationAccessToken: token)
    }

    /// RFC 7592 §2.3: the client, its grants and its tokens are gone.
    func delete(_ record: RegisteredClientRecord) async throws {
        guard try await store.deleteRegisteredClient(id: record.client.id) else { throw Refusal.registrationAccessToken }
    }
}

extension RegisteredClientRecord {
    /// The registered metadata as stored.
    var metadata: ClientMetadata {
        ClientMetadata(client: client, authMethod: ClientMetadata.TokenEndpointAuthMethod(rawValue: details.authMethod) ?? .clientSecretBasic,
                       scope: details.scope)
    }
}
