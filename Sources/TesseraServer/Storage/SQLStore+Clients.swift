import Foundation
import SQLKit
import TesseraCore

/// The columns ``Client/init(row:)`` reads.
let clientColumns = """
    id, name, secret_hash, redirect_uris, post_logout_redirect_uris, grant_types, id_token_alg, require_pushed_authorization,
    backchannel_logout_uri, backchannel_logout_session_required, third_party, require_dpop
    """

extension SQLStore: ClientStore {
    public func client(id: String) async throws -> Client? {
        try await engine.read { database in
            try await database.raw("""
                SELECT \(unsafeRaw: clientColumns) FROM clients WHERE id = \(bind: id)
                """).first().map(Client.init(row:))
        }
    }

    public func insert(_ client: Client, at now: Int) async throws {
        try await engine.transaction { database in
            try await Self.insert(client, at: now, on: database)
        }
        clientChanges.changed()
    }

    /// The INSERT of a client row, inside a transaction the caller owns (a dynamic registration
    /// also spends an initial access token in it).
    static func insert(_ client: Client, at now: Int, on database: any SQLDatabase) async throws {
        let redirectURIs = try JSONEncoder().encode(client.redirectURIs)
        let postLogoutURIs = try JSONEncoder().encode(client.postLogoutRedirectURIs)
        let grantTypes = client.grantTypes.map(\.rawValue).joined(separator: " ")
        try await database.raw("""
            INSERT INTO clients (id, name, secret_hash, redirect_uris, post_logout_redirect_uris, grant_types, id_token_alg, created_at,
                                 require_pushed_authorization,
                                 backchannel_logout_uri, backchannel_logout_session_required, third_party, require_dpop)
            VALUES (\(bind: client.id), \(bind: client.name), \(bind: client.secretHash?.hex), \(bind: String(decoding: redirectURIs, as: UTF8.self)),
                    \(bind: String(decoding: postLogoutURIs, as: UTF8.self)), \(bind: grantTypes), \(bind: client.idTokenAlgorithm), \(bind: now),
                    \(bind: client.requiresPushedAuthorization ? 1 : 0),
                    \(bind: client.backchannelLogoutURI), \(bind: client.backchannelLogoutSessionRequired ? 1 : 0),
                    \(bind: client.isThirdParty ? 1 : 0), \(bind: client.requiresDPoP ? 1 : 0))
            """).run()
    }
}

extension Client {
    init(row: any SQLRow) throws {
        let decoder = JSONDecoder()
        self.init(
            id: try row.value("id"),
            name: try row.value("name"),
            secretHash: try row.optional("secret_hash", as: String.self).map(SecretHash.init(stored:)),
            redirectURIs: try decoder.decode([String].self, from: Data(try row.value("redirect_uris", as: String.self).utf8)),
            postLogoutRedirectURIs: try decoder.decode([String].self, from: Data(try row.value("post_logout_redirect_uris", as: String.self).utf8)),
            grantTypes: try row.value("grant_types", as: String.self).split(separator: " ").map { GrantType(String($0)) },
            idTokenAlgorithm: try row.value("id_token_alg"),
            requiresPushedAuthorization: try row.value("require_pushed_authorization", as: Int.self) != 0,
            backchannelLogoutURI: try row.optional("backchannel_logout_uri"),
            backchannelLogoutSessionRequired: try row.value("backchannel_logout_session_required", as: Int.self) != 0,
            isThirdParty: try row.value("third_party", as: Int.self) != 0,
            requiresDPoP: try row.value("require_dpop", as: Int.self) != 0
        )
    }
}
