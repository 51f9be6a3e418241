import Foundation
import Testing
import TesseraClient
import TesseraCore
@testable import TesseraHummingbird

@Suite("MemoryOIDCSessionStore: expiry and a bound")
struct MemoryOIDCSessionStoreTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func anonymous(expiresIn seconds: TimeInterval) -> OIDCSession {
        OIDCSession(expiresAt: start.addingTimeInterval(seconds))
    }

    static func loggedIn(expiresIn seconds: TimeInterval) -> OIDCSession {
        let response = TokenResponse(accessToken: Secret("access-token-value"), tokenType: "Bearer")
        return OIDCSession(tokens: TokenSet(response: response, idTokenClaims: nil, receivedAt: start),
                           expiresAt: start.addingTimeInterval(seconds))
    }

    @Test("a session is there until it expires, and gone once removed")
    func expiry() async {
        let store = MemoryOIDCSessionStore()
        await store.save(Self.anonymous(expiresIn: 60), idHash: "a", now: Self.start)
        #expect(await store.load(idHash: "a", now: Self.start.addingTimeInterval(59)) != nil)
        #expect(await store.load(idHash: "a", now: Self.start.addingTimeInterval(60)) == nil)
        #expect(await store.count == 0, "an expired session is dropped when it is read")
        await store.save(Self.anonymous(expiresIn: 60), idHash: "b", now: Self.start)
        await store.remove(idHash: "b")
        #expect(await store.load(idHash: "b", now: Self.start) == nil)
    }

    @Test("expired sessions are swept as writes come in, unread")
    func sweep() async {
        let store = MemoryOIDCSessionStore(capacity: 1_000, sweepInterval: 10)
        for index in 0..<9 {
            await store.save(Self.anonymous(expiresIn: 10), idHash: "old\(index)", now: Self.start)
        }
        await store.save(Self.anonymous(expiresIn: 600), idHash: "new", now: Self.start.addingTimeInterval(20))
        #expect(await store.count == 1)
    }

    @Test("beyond capacity, logins under way go before logged-in users, the nearest to expiry first")
    func capacity() async {
        let store = MemoryOIDCSessionStore(capacity: 3)
        await store.save(Self.loggedIn(expiresIn: 100), idHash: "user", now: Self.start)
        await store.save(Self.anonymous(expiresIn: 500), idHash: "late", now: Self.start)
        await store.save(Self.anonymous(expiresIn: 300), idHash: "early", now: Self.start)
        await store.save(Self.anonymous(expiresIn: 400), idHash: "newest", now: Self.start)
        #expect(await store.count == 3)
        #expect(await store.load(idHash: "early", now: Self.start) == nil)
        #expect(await store.load(idHash: "user", now: Self.start) != nil)
        for index in 0..<10 {
            await store.save(Self.anonymous(expiresIn: 900), idHash: "flood\(index)", now: Self.start)
        }
        #expect(await store.count == 3)
        #expect(await store.load(idHash: "user", now: Self.start) != nil, "a flood of /login requests cannot log a user out")
    }

    @Test("a session's secrets never print")
    func redacted() throws {
        let pending = PendingAuthorization(state: Secret("state-value"), nonce: Secret("nonce-value"), codeVerifier: Secret("verifier-value"),
                                           redirectURI: "http://127.0.0.1:3000/callback", scope: "openid", issuer: "http://idp", createdAt: Self.start)
        let session = OIDCSession(tokens: Self.loggedIn(expiresIn: 1).tokens,
                                  pendingLogins: [PendingLogin(authorization: pending, returnTo: "/")], expiresAt: Self.start)
        let printed = "\(session) \(String(reflecting: session))"
        for secret in ["state-value", "nonce-value", "verifier-value", "access-token-value"] {
            #expect(!printed.contains(secret))
        }
        let decoded = try JSONDecoder().decode(OIDCSession.self, from: try JSONEncoder().encode(session))
        #expect(decoded.pendingLogins.first?.authorization.codeVerifier.unredacted == "verifier-value", "the stored form keeps the values")
    }
}
