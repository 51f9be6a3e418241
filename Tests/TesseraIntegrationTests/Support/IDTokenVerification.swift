import Foundation
import NIOHTTP1
import JWTKit
import Testing
import TesseraCore

/// The claims of an id_token as a test reads them back.
struct ReceivedIDToken: JWTPayload {
    var iss: String
    var sub: String
    var aud: String
    var exp: Int
    var iat: Int
    var auth_time: Int?
    var nonce: String?
    var at_hash: String?
    var sid: String?
    var email: String?
    var email_verified: Bool?
    var name: String?

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

extension ProviderUnderTest {
    /// Verifies `idToken`'s signature against the server's published JWKS and returns its claims
    /// and header.
    func verifyIDToken(_ idToken: String) async throws -> (claims: ReceivedIDToken, header: [String: Any]) {
        try await verifyJWT(idToken, as: ReceivedIDToken.self)
    }

    /// Verifies a JWT the server signed against its published JWKS; returns its claims and header.
    func verifyJWT<Payload: JWTPayload>(_ token: String, as payload: Payload.Type) async throws -> (claims: Payload, header: [String: Any]) {
        let jwks = try await send(.GET, url("/.well-known/jwks.json"))
        #expect(jwks.status == 200)
        let keys = JWTKeyCollection()
        try await keys.add(jwksJSON: jwks.body)
        let claims = try await keys.verify(token, as: Payload.self)
        let headerPart = try #require(token.split(separator: ".").first)
        let headerBytes = try #require(Base64URL.decode(String(headerPart)))
        let header = try #require(try JSONSerialization.jsonObject(with: Data(headerBytes)) as? [String: Any])
        return (claims, header)
    }
}
