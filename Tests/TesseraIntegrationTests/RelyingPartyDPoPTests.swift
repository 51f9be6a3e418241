import Foundation
import Testing
import TesseraClient
import TesseraCore

/// TesseraHummingbird's login with DPoP (RFC 9449) against the real provider: each login session
/// gets a key of its own, kept server-side with the session, and every later use of the
/// session's tokens — refresh, userinfo — proves that key.
@Suite("TesseraHummingbird: login with DPoP")
struct RelyingPartyDPoPTests {
    @Test("TesseraHummingbird login with DPoP: two sessions get different keys, kept server-side; each session's tokens are bound to its key")
    func sessionsGetTheirOwnKeys() async throws {
        try await TestRelyingParty.with(configureClient: { $0.dpop = .es256 }) { app in
            let alice = Browser(), again = Browser()
            try await app.logIn(alice)
            try await app.logIn(again)
            let first = try #require(await app.session(of: alice))
            let second = try #require(await app.session(of: again))
            let firstKey = try #require(first.dpopKey), secondKey = try #require(second.dpopKey)
            #expect(firstKey.thumbprint != secondKey.thumbprint)
            #expect(firstKey.thumbprint != app.oidc.dpopKey?.thumbprint, "not the app's own key either")
            #expect(first.tokens?.isDPoPBound == true)
            #expect(first.tokens?.dpopKeyThumbprint == firstKey.thumbprint)
            #expect(second.tokens?.dpopKeyThumbprint == secondKey.thumbprint)
            #expect(first.pendingLogins.isEmpty, "the pending login's key moved into the session")

            // userinfo, through the session's client: the provider checks the proof against cnf.jkt.
            #expect(try await alice.get(app.url("/me")).body == "userinfo of alice@example.com")
            #expect(try await again.get(app.url("/me")).body == "userinfo of alice@example.com")
            app.server.ledger.expectNoneLogged()
        }
    }

    @Test("TesseraHummingbird login with DPoP: the session's key refreshes its tokens, which stay bound to it (with and without provider nonces)",
          arguments: [false, true])
    func sessionKeyRefreshes(requireNonce: Bool) async throws {
        try await TestRelyingParty.with(configureProvider: { $0.dpop.requireNonce = requireNonce },
                                        configureClient: { $0.dpop = .es256 }) { app in
            let browser = Browser()
            try await app.logIn(browser)
            let before = try #require(await app.session(of: browser))
            let key = try #require(before.dpopKey)
            // With nonces, the exchange is refused once for want of one and retried with it.
            #expect(app.transport.count(.post, "/oauth/token") == (requireNonce ? 2 : 1))

            app.server.clock.advance(by: 86_400 - 30)
            #expect(try await browser.get(app.url("/dashboard")).status == 200)
            #expect(app.transport.count(.post, "/oauth/token") == (requireNonce ? 4 : 2),
                    "refreshed (with nonces, the day-old nonce is stale: one more retry)")
            let after = try #require(await app.session(of: browser))
            #expect(after.tokens?.accessToken != before.tokens?.accessToken)
            #expect(after.dpopKey?.thumbprint == key.thumbprint)
            #expect(after.tokens?.isDPoPBound == true)
            #expect(after.tokens?.dpopKeyThumbprint == key.thumbprint)
            #expect(try await browser.get(app.url("/me")).body == "userinfo of alice@example.com",
                    "the refreshed token is bound to the session's key: the provider accepts its proof")
            app.server.ledger.expectNoneLogged()
        }
    }
}
