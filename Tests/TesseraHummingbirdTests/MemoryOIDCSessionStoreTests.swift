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

    @Test("expired sessions are dropped as writes come in, unread")
    func sweep() async {
        let store = MemoryOIDCSessionStore(capacity: 1_000)
        for index in 0..<9 {
            await store.save(Self.anonymous(expiresIn: 10), idHash: "old\(index)", now: Self.start)
            await store.save(Self.loggedIn(expiresIn: 10), idHash: "user\(index)", now: Self.start)
        }
        await store.save(Self.anonymous(expiresIn: 600), idHash: "new", now: Self.start.addingTimeInterval(20))
        #expect(await store.count == 1)
    }

    @Test("beyond its capacity, an anonymous session goes nearest-to-expiry first, and never a logged-in user's")
    func capacity() async {
        let store = MemoryOIDCSessionStore(capacity: 3, anonymousCapacity: 2)
        await store.save(Self.loggedIn(expiresIn: 100), idHash: "user", now: Self.start)
        await store.save(Self.anonymous(expiresIn: 500), idHash: "late", now: Self.start)
        await store.save(Self.anonymous(expiresIn: 300), idHash: "early", now: Self.start)
        await store.save(Self.anonymous(expiresIn: 400), idHash: "newest", now: Self.start)
        #expect(await store.count == 3)
        #expect(await store.load(idHash: "early", now: Self.start) == nil)
        #expect(await store.load(idHash: "late", now: Self.start) != nil)
        #expect(await store.load(idHash: "user", now: Self.start) != nil)
    }

    @Test("login flood: 20 000 anonymous /login sessions cannot evict one logged-in user, and stay within their own bound")
    func loginFloodKeepsLoggedInUsers() async {
        let store = MemoryOIDCSessionStore(capacity: 3, anonymousCapacity: 100)
        for index in 0..<3 {
            await store.save(Self.loggedIn(expiresIn: 100 + Double(index)), idHash: "user\(index)", now: Self.start)
        }
        for index in 0..<20_000 {
            await store.save(Self.anonymous(expiresIn: 900), idHash: "flood\(index)", now: Self.start)
        }
        #expect(await store.count == 103)
        for index in 0..<3 {
            #expect(await store.load(idHash: "user\(index)", now: Self.start) != nil, "a flood of /login requests cannot log a user out")
        }
        #expect(await store.queuedEntries <= 2 * 103 + 128, "stale heap entries are compacted, not hoarded")
    }

    @Test("logged-in users beyond capacity: the session nearest its end goes, whatever the order of saving")
    func loggedInCapacity() async {
        let store = MemoryOIDCSessionStore(capacity: 2, anonymousCapacity: 10)
        await store.save(Self.loggedIn(expiresIn: 300), idHash: "b", now: Self.start)
        await store.save(Self.loggedIn(expiresIn: 100), idHash: "a", now: Self.start)
        await store.save(Self.loggedIn(expiresIn: 200), idHash: "c", now: Self.start)
        #expect(await store.load(idHash: "a", now: Self.start) == nil)
        #expect(await store.load(idHash: "b", now: Self.start) != nil)
        #expect(await store.load(idHash: "c", now: Self.start) != nil)
    }

    @Test("a login that finishes moves from the anonymous bound to the logged-in one; a re-saved session is counted once")
    func anonymousBecomesLoggedIn() async {
        let store = MemoryOIDCSessionStore(capacity: 2, anonymousCapacity: 1)
        await store.save(Self.anonymous(expiresIn: 600), idHash: "browser", now: Self.start)
        await store.save(Self.anonymous(expiresIn: 600), idHash: "browser", now: Self.start)
        await store.save(Self.loggedIn(expiresIn: 600), idHash: "browser", now: Self.start)
        await store.save(Self.anonymous(expiresIn: 900), idHash: "other", now: Self.start)
        #expect(await store.count == 2)
        #expect(await store.load(idHash: "browser", now: Self.start)?.tokens != nil)
        #expect(await store.load(idHash: "other", now: Self.start) != nil)
    }

    @Test("the expiry heap hands out keys nearest their end first, skipping nothing")
    func expiryQueueOrder() {
        var queue = ExpiryQueue()
        let offsets = [50, 10, 40, 30, 20, 60, 0, 70, 10]
        for (index, offset) in offsets.enumerated() {
            queue.push(.init(expiresAt: Self.start.addingTimeInterval(TimeInterval(offset)), key: "k\(index)", generation: index))
        }
        var popped: [TimeInterval] = []
        while let entry = queue.popFirst() { popped.append(entry.expiresAt.timeIntervalSince(Self.start)) }
        #expect(popped == offsets.sorted().map(TimeInterval.init))
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
