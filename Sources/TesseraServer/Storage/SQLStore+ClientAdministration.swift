import Foundation
import SQLKit
import TesseraCore

/// What replacing a client's secret found.
enum ClientSecretReplacement: Sendable, Equatable {
    case replaced
    /// A public client has no secret to replace.
    case publicClient
    case notFound
}

/// The writes behind ``Administration``'s client operations. Each is one transaction, and each
/// marks the client cache stale however it ends (on PostgreSQL migration 15's trigger tells every
/// other node), so no node serves a record a change has replaced.
extension SQLStore {
    /// Clients oldest first (by the second they were added, then by id).
    func clients(_ request: PageRequest) async throws -> ResultPage<Client> {
        try await page(request, select: "SELECT \(unsafeRaw: clientColumns) FROM clients ORDER BY created_at, id",
                       count: "SELECT COUNT(*) AS total FROM clients", Client.init(row:))
    }

    /// Reads the client under a row lock, passes it to `change`, and writes what `change` returns,
    /// in one transaction: nil when there is no such client; nothing is written when `change` throws.
    func updateClient(
        id clientID: String, _ change: @escaping @Sendable (Client) throws -> Client
    ) async throws -> (before: Client, after: Client)? {
        let lock = lockingClause
        defer { clientChanges.changed() }
        return try await engine.transaction { database in
            guard let before = try await database.raw("""
                SELECT \(unsafeRaw: clientColumns) FROM clients WHERE id = \(bind: clientID)\(lock)
                """).first().map(Client.init(row:)) else {
                return nil
            }
            var after = try change(before)
            after.id = before.id
            after.secretHash = before.secretHash
            let redirectURIs = String(decoding: try JSONEncoder().encode(after.redirectURIs), as: UTF8.self)
            let postLogoutURIs = String(decoding: try JSONEncoder().encode(after.postLogoutRedirectURIs), as: UTF8.self)
            try await database.raw("""
                UPDATE clients SET name = \(bind: after.name), redirect_uris = \(bind: redirectURIs),
                                   post_logout_redirect_uris = \(bind: postLogoutURIs),
                                   grant_types = \(bind: after.grantTypes.map(\.rawValue).joined(separator: " ")),
                                   id_token_alg = \(bind: after.idTokenAlgorithm),
                                   require_pushed_authorization = \(bind: after.requiresPushedAuthorization ? 1 : 0),
                                   backchannel_logout_uri = \(bind: after.backchannelLogoutURI),
                                   backchannel_logout_session_required = \(bind: after.backchannelLogoutSessionRequired ? 1 : 0),
                                   third_party = \(bind: after.isThirdParty ? 1 : 0), require_dpop = \(bind: after.requiresDPoP ? 1 : 0)
                WHERE id = \(bind: clientID)
                """).run()
            return (before, after)
        }
    }

    /// Deletes the client and, by the schema's cascades, everything it holds: its grants with
    /// their refresh and access tokens, client grants, consents, pushed requests and queued logout
    /// tokens. Its tokens stop working at once (introspection answers inactive; a JWT access token
    /// a resource server checks offline lives out its few minutes). Returns the client as it was,
    /// or nil when there was none.
    func deleteClient(id clientID: String) async throws -> Client? {
        defer { clientChanges.changed() }
        return try await engine.transaction { database in
            try await database.raw("DELETE FROM clients WHERE id = \(bind: clientID) RETURNING \(unsafeRaw: clientColumns)")
                .first().map(Client.init(row:))
        }
    }

    /// Stores `hash` as the client's secret in place of the old one, which stops working at once.
    func replaceClientSecret(id clientID: String, with hash: SecretHash) async throws -> ClientSecretReplacement {
        defer { clientChanges.changed() }
        return try await engine.transaction { database in
            if try await database.raw("""
                UPDATE clients SET secret_hash = \(bind: hash.hex) WHERE id = \(bind: clientID) AND secret_hash IS NOT NULL RETURNING id
                """).first() != nil {
                return .replaced
            }
            let exists = try await database.raw("SELECT id FROM clients WHERE id = \(bind: clientID)").first() != nil
            return exists ? .publicClient : .notFound
        }
    }
}
