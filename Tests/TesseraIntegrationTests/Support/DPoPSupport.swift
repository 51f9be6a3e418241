import Foundation
import SQLKit
import Testing
import TesseraCore
import TesseraServer

extension ProviderUnderTest {
    /// A DPoP proof (RFC 9449 §4.2) for `POST /oauth/token` at `issuer` (this server's own URL by
    /// default; a cluster's nodes all answer for the first node's), made at `issuedAt`: by default
    /// now on the server's clock (an in-process server's stands still until the test moves it).
    func tokenProof(_ key: DPoPKey, issuer: String? = nil, nonce: String? = nil, issuedAt: Date? = nil) throws -> String {
        let now = issuedAt ?? (self as? TestServer)?.now() ?? Date()
        return try key.proof(method: "POST", url: (issuer ?? baseURL) + "/oauth/token", nonce: nonce, issuedAt: now)
    }
}

extension TestServer {
    /// The `dpop_jkt` of every row of `table` (`access_tokens` or `refresh_tokens`), oldest first:
    /// what storage recorded each token as bound to (nil: a Bearer or unbound token).
    func boundKeys(_ table: String) async throws -> [String?] {
        try await provider.store.engine.read { database in
            try await database.raw("SELECT dpop_jkt FROM \(ident: table) ORDER BY created_at, token_hash").all()
                .map { try $0.decode(column: "dpop_jkt", as: String?.self) }
        }
    }

    /// The APIs of ``addAPIs()``, `client` granted `read:orders` on the Orders API: for flows
    /// whose access token must be a JWT.
    func grantOrders(to client: RegisteredClient) async throws {
        try await addAPIs()
        try await grant(client, TestServer.ordersAPI, scopes: "read:orders")
    }
}
