import Foundation
import Testing
import TesseraClient
import TesseraCore
import TesseraHummingbird

/// Which local sessions a logout token ends (Back-Channel Logout 1.0 §2.7), in
/// ``MemoryOIDCSessionStore`` and for custom stores through the protocol's default.
@Suite("Back-Channel Logout §2.7: the sessions a logout token ends")
struct BackchannelLogoutStoreTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let issuer = "https://op.example"

    static func session(sub: String, sid: String?, issuer: String = issuer) -> OIDCSession {
        let claims = IDTokenClaims(issuer: issuer, subject: sub, audience: ["rp"], expiresAt: now.addingTimeInterval(600),
                                   issuedAt: now, sessionID: sid)
        let response = TokenResponse(accessToken: Secret("access-token-value"), tokenType: "Bearer")
        return OIDCSession(tokens: TokenSet(response: response, idTokenClaims: claims, receivedAt: now), expiresAt: now.addingTimeInterval(600))
    }

    /// A logout token's claims as the validator returns them, read from their JSON.
    static func logout(sub: String?, sid: String?) throws -> LogoutTokenClaims {
        var object: [String: Any] = ["iss": issuer, "aud": "rp", "iat": 1_800_000_000, "jti": "j",
                                     "events": [LogoutTokenClaims.event: [String: String]()]]
        object["sub"] = sub
        object["sid"] = sid
        return try JSONDecoder().decode(LogoutTokenClaims.self, from: JSONSerialization.data(withJSONObject: object))
    }

    @Test("with sid, only that provider session's logins end; without, every login of sub; another issuer's never")
    func matching() async throws {
        let store = MemoryOIDCSessionStore()
        await store.save(Self.session(sub: "alice", sid: "s1"), idHash: "a1", now: Self.now)
        await store.save(Self.session(sub: "alice", sid: "s2"), idHash: "a2", now: Self.now)
        await store.save(Self.session(sub: "alice", sid: "s3", issuer: "https://other.example"), idHash: "a3", now: Self.now)
        await store.save(Self.session(sub: "bob", sid: "s4"), idHash: "b1", now: Self.now)
        await store.save(OIDCSession(expiresAt: Self.now.addingTimeInterval(600)), idHash: "anonymous", now: Self.now)

        let (first, wrongSubject, everyAlice, bySID) = (try Self.logout(sub: "alice", sid: "s1"), try Self.logout(sub: "bob", sid: "s2"),
                                                        try Self.logout(sub: "alice", sid: nil), try Self.logout(sub: nil, sid: "s4"))
        #expect(try await store.removeSessions(endedBy: first) == 1)
        #expect(await store.load(idHash: "a1", now: Self.now) == nil)
        #expect(try await store.removeSessions(endedBy: wrongSubject) == 0, "sub and sid must both match")
        #expect(try await store.removeSessions(endedBy: everyAlice) == 1)
        #expect(await store.load(idHash: "a2", now: Self.now) == nil)
        #expect(await store.load(idHash: "a3", now: Self.now) != nil, "another provider's login")
        #expect(try await store.removeSessions(endedBy: bySID) == 1)
        #expect(await store.count == 2)
    }

    /// A store written before back-channel logout existed.
    struct LegacyStore: OIDCSessionStore {
        func load(idHash: String, now: Date) async throws -> OIDCSession? { nil }
        func save(_ session: OIDCSession, idHash: String, now: Date) async throws {}
        func remove(idHash: String) async throws {}
    }

    @Test("a custom store without removeSessions still compiles, and says it cannot")
    func defaultImplementation() async throws {
        let logout = try Self.logout(sub: "alice", sid: nil)
        await #expect(throws: OIDCSessionStoreError.backchannelLogoutUnsupported) {
            _ = try await LegacyStore().removeSessions(endedBy: logout)
        }
    }
}
