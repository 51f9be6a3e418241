import Foundation
import Testing
import TesseraCore
@testable import TesseraServer

/// The id_token and access token claims, written directly (``JWTClaimsWriting``), against their
/// `Encodable` forms through `JSONEncoder`: the same members and values, so every relying party
/// reads the same token it read before.
@Suite("JWS claims written directly (RFC 7515 §7.1, OpenID Connect Core §2)")
struct JWSWriterTests {
    private func reference(_ value: some Encodable) throws -> NSDictionary {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return try #require(try JSONSerialization.jsonObject(with: encoder.encode(value)) as? NSDictionary)
    }

    private func written(_ claims: some JWTClaimsWriting) throws -> NSDictionary {
        var writer = JSONWriter()
        writer.beginObject()
        try claims.writeMembers(to: &writer)
        writer.endObject()
        return try #require(try JSONSerialization.jsonObject(with: Data(writer.bytes)) as? NSDictionary)
    }

    static let users: [User] = [
        User(id: "auth0|1", email: "alice@example.com", name: "Alice \"Al\" Liddell", emailVerified: true, passwordHash: "",
             claims: ["address": .object(["street_address": .string("1 Main St\nApt 2"), "country": .string("日本")]),
                      "phone_number_verified": .bool(false), "locale": .string("fr-CA"), "website": .string("https://alice.example/")],
             updatedAt: 1_764_000_000),
        User(id: "u/\\2", email: "bob@example.com", name: "", emailVerified: false, passwordHash: ""),
    ]

    @Test("OIDC Core §2: an id_token payload has the members JSONEncoder writes", arguments: users, [true, false])
    func idToken(user: User, everything: Bool) throws {
        let claims = IDTokenClaims(iss: "https://tessera.example/", sub: user.id, aud: "client-é", exp: 1_764_086_400, iat: 1_764_000_000,
                                   authTime: everything ? 1_763_999_000 : nil, nonce: everything ? "n\u{1}\"once</" : nil,
                                   atHash: everything ? "xUL2lg8s4jNqk3Bg-TQ0Qg" : nil, sid: everything ? "sid" : nil,
                                   azp: everything ? "azp" : nil)
        let scope: Scope = everything ? "openid profile email address phone" : "openid"
        let payload = IDTokenPayload(claims: claims, user: UserClaims(user: user, scope: scope, requested: everything ? ["locale"] : []))
        let direct = try written(payload)
        #expect(direct == (try reference(payload)))
        #expect(direct["sub"] as? String == user.id)
        #expect((direct["nonce"] as? String) == (everything ? "n\u{1}\"once</" : nil))
    }

    @Test("RFC 9068 §2.2: an access token's claims have the members JSONEncoder writes", arguments: [true, false])
    func accessToken(everything: Bool) throws {
        let claims = AccessTokenClaims(iss: "https://tessera.example/", sub: "auth0|1",
                                       aud: everything ? ["https://api.example", "https://tessera.example/userinfo"] : ["https://api.example"],
                                       exp: 1_764_086_400, iat: 1_764_000_000, jti: "abc", clientID: "client",
                                       scope: everything ? "openid read:all" : nil, authTime: everything ? 1_763_999_000 : nil,
                                       cnf: everything ? .init(jkt: "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I") : nil)
        #expect(try written(claims) == (try reference(claims)))
    }

    @Test("OIDC Core §5.3.2: the userinfo response has the members JSONEncoder writes", arguments: users)
    func userinfo(user: User) throws {
        let claims = UserClaims(user: user, scope: "openid profile email address phone")
        let direct = try #require(try JSONSerialization.jsonObject(with: Data(try claims.jsonBytes)) as? NSDictionary)
        #expect(direct == (try reference(claims)))
    }
}
