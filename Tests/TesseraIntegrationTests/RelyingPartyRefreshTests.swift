import Foundation
import Testing
import TesseraClient
import TesseraCore

/// The session's tokens kept fresh: refreshed once when the access token nears its expiry,
/// however many requests arrive at once; a refresh the provider refuses ends the session.
@Suite("TesseraHummingbird: automatic refresh")
struct RelyingPartyRefreshTests {
    @Test("near expiry, the next requests refresh the access token once; the refreshed tokens are kept")
    func refreshOnce() async throws {
        try await TestRelyingParty.with { app in
            let server = app.server
            let browser = Browser()
            try await app.logIn(browser)
            let before = try #require(await app.session(of: browser)?.tokens)
            #expect(app.transport.count(.post, "/oauth/token") == 1)
            #expect(try await browser.get(app.url("/dashboard")).status == 200)
            #expect(app.transport.count(.post, "/oauth/token") == 1, "a fresh token is not refreshed")

            server.clock.advance(by: 86_400 - 30)
            let pages = try await withThrowingTaskGroup(of: HTTPResult.self) { group in
                for _ in 0..<5 { group.addTask { try await browser.get(app.url("/dashboard")) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(pages.allSatisfy { $0.status == 200 })
            #expect(app.transport.count(.post, "/oauth/token") == 2, "five requests, one refresh")

            let after = try #require(await app.session(of: browser)?.tokens)
            #expect(after.accessToken != before.accessToken)
            #expect(after.refreshToken != before.refreshToken, "the rotated refresh token is stored")
            let expiresAt = Int(try #require(after.expiresAt).timeIntervalSince1970)
            #expect(expiresAt == server.clock.wallClock.now() + 86_400)
            #expect(try await browser.get(app.url("/dashboard")).body.contains("expires at \(expiresAt)"))
            #expect(app.transport.count(.post, "/oauth/token") == 2)
            server.ledger.expectNoneLogged()
        }
    }

    @Test("a refresh the provider refuses (the grant revoked elsewhere) ends the session and clears its cookie")
    func refusedRefreshEndsSession() async throws {
        try await TestRelyingParty.with { app in
            let server = app.server
            let browser = Browser()
            try await app.logIn(browser)
            let tokens = try #require(await app.session(of: browser)?.tokens)
            try await app.oidc.revoke(try #require(tokens.refreshToken), hint: .refreshToken)
            server.clock.advance(by: 86_400)
            let response = try await browser.get(app.url("/dashboard"))
            #expect(response.status == 302)
            #expect(response.location == "/login?return_to=%2Fdashboard")
            #expect(browser.cookie(TestRelyingParty.cookie) == nil)
            #expect(LogCapture.text.contains("oidc session ended: refresh refused"))
            server.ledger.expectNoneLogged()
        }
    }
}
