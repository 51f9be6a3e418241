import Foundation
import SQLKit
public import TesseraCore

extension SQLStore: RegistrationStore {
    public func insertInitialAccessToken(hash: SecretHash, uses: Int, expiresAt: Int, at now: Int) async throws {
        try await engine.transaction { database in
            try await database.raw("""
                INSERT INTO registration_tokens (token_hash, uses_left, expires_at, created_at)
                VALUES (\(bind: hash.hex), \(bind: uses), \(bind: expiresAt), \(bind: now))
                """).run()
        }
    }

    public func initialAccessTokenIsUsable(hash: SecretHash, at now: Int) async throws -> Bool {
        try await engine.read { database in
            try await database.raw("""
                SELECT token_hash FROM registration_tokens
                WHERE token_hash = \(bind: hash.hex) AND uses_left > 0 AND expires_at > \(bind: now)
                """).first() != nil
        }
    }

    /// The token's use and the client's row are one transaction: a use is spent only by a
    /// registration that is written, and one conditional UPDATE decides between concurrent ones.
    public func register(_ client: Client, details: RegistrationDetails, spending initialAccessToken: SecretHash?,
                         at now: Int) async throws -> InitialAccessTokenSpend {
        defer { clientChanges.changed() }
        return try await engine.transaction { database in
            if let initialAccessToken {
                guard try await database.raw("""
                    UPDATE registration_tokens SET uses_left = uses_left - 1
                    WHERE token_hash = \(bind: initialAccessToken.hex) AND uses_left > 0 AND expires_at > \(bind: now)
                    RETURNING token_hash
                    """).first() != nil else {
                    return .refused
                }
            }
            try await Self.insert(client, at: now, on: database)
            try await database.raw("""
                UPDATE clients SET registration_token_hash = \(bind: details.registrationTokenHash.hex),
                                   token_endpoint_auth_method = \(bind: details.authMethod),
                                   registered_scope = \(bind: details.scope?.description)
                WHERE id = \(bind: client.id)
                """).run()
            return .registered
        }
    }

    public func registeredClient(id: String) async throws -> RegisteredClientRecord? {
        try await engine.read { database in
            guard let row = try await database.raw("""
                SELECT * FROM clients WHERE id = \(bind: id) AND registration_token_hash IS NOT NULL
                """).first() else {
                return nil
            }
            return RegisteredClientRecord(
                client: try Client(row: row),
                details: RegistrationDetails(
                    registrationTokenHash: SecretHash(stored: try row.value("registration_token_hash")),
                    authMethod: try row.value("token_endpoint_auth_method"),
                    scope: try row.optional("registered_scope", as: String.self).map { Scope($0) }),
                createdAt: try row.value("created_at"))
        }
    }

    public func replaceRegisteredClient(_ client: Client, details: RegistrationDetails, previousTokenHash: SecretHash) async throws -> Bool {
        let redirectURIs = String(decoding: try JSONEncoder().encode(client.redirectURIs), as: UTF8.self)
        let postLogoutURIs = String(decoding: try JSONEncoder().encode(client.postLogoutRedirectURIs), as: UTF8.self)
        let grantTypes = client.grantTypes.map(\.rawValue).joined(separator: " ")
        // Marked changed however the transaction ends: a cached record must never outlive a write.
        defer { clientChanges.changed() }
        return try await engine.transaction { database in
            try await database.raw("""
                UPDATE clients SET name = \(bind: client.name), redirect_uris = \(bind: redirectURIs),
                                   post_logout_redirect_uris = \(bind: postLogoutURIs), grant_types = \(bind: grantTypes),
                                   id_token_alg = \(bind: client.idTokenAlgorithm),
                                   backchannel_logout_uri = \(bind: client.backchannelLogoutURI),
                                   backchannel_logout_session_required = \(bind: client.backchannelLogoutSessionRequired ? 1 : 0),
                                   require_dpop = \(bind: client.requiresDPoP ? 1 : 0),
                                   token_endpoint_auth_method = \(bind: details.authMethod),
                                   registered_scope = \(bind: details.scope?.description),
                                   registration_token_hash = \(bind: details.registrationTokenHash.hex)
                WHERE id = \(bind: client.id) AND registration_token_hash = \(bind: previousTokenHash.hex)
                RETURNING id
                """).first() != nil
        }
    }

    public func rotateRegistrationToken(clientID: String, from previousTokenHash: SecretHash, to tokenHash: SecretHash) async throws -> Bool {
        try await engine.transaction { database in
            try await database.raw("""
                UPDATE clients SET registration_token_hash = \(bind: tokenHash.hex)
                WHERE id = \(bind: clientID) AND registration_token_hash = \(bind: previousTokenHash.hex)
                RETURNING id
                """).first() != nil
        }
    }

    public func deleteRegisteredClient(id: String) async throws -> Bool {
        defer { clientChanges.changed() }
        return try await engine.transaction { database in
            try await database.raw("""
                DELETE FROM clients WHERE id = \(bind: id) AND registration_token_hash IS NOT NULL RETURNING id
                """).first() != nil
        }
    }
}
