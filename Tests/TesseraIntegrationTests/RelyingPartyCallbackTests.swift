import Foundation
import Testing
import TesseraCore

/// Callbacks the app did not expect, each a 400 page with a "log in again" link — never a 5xx,
/// never a token on the page — named for the attack or accident they stand for.
@Suite("TesseraHummingbird: stale, replayed and forged callbacks")
struct RelyingPartyCallbackTests {
    /// Expects the refusal page: 400, the code, the way back in, nothing secret.
    static func expectRefusal(_ response: HTTPResult, code: String, server: TestServer, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == 400, "\(response.status): \(response.body)", sourceLocation: sourceLocation)
        #expect(response.header("Content-Type")?.hasPrefix("text/html") == true, sourceLocation: sourceLocation)
        #expect(response.body.contains(code), "expected \(code) in \(response.body)", sourceLocation: sourceLocation)
        #expect(response.body.contains("<a href=\"/login\">Log in again</a>"), sourceLocation: sourceLocation)
        #expect(!server.ledger.all.contains { response.body.contains($0) }, "the page shows a secret", sourceLocation: sourceLocation)
    }

    @Test("forged-state: a callback with a state this browser never sent is refused, and the real login still completes")
    func forgedState() async throws {
        try await TestRelyingParty.with { app in
            let server = app.server
            let browser = Browser()
            let real = try await app.startedCallbackURL(browser)
            let code = try #require(URLComponents(string: real)?.queryItems?.first { $0.name == "code" }?.value)
            let forged = try await browser.get(app.url("/callback?") + FormURLEncoding.encode([
                ("code", code), ("state", Secret.random().unredacted), ("iss", server.baseURL),
            ]))
            Self.expectRefusal(forged, code: "LOGIN_STATE_UNKNOWN", server: server)
            #expect(try await browser.get(real).status == 303, "the forged callback did not spend the real login")
            server.ledger.expectNoneLogged()
        }
    }

    @Test("replayed-callback: the same callback again is refused, in the same browser (still logged in) and in another")
    func replayedCallback() async throws {
        try await TestRelyingParty.with { app in
            let server = app.server
            let browser = Browser()
            let callback = try await app.startedCallbackURL(browser)
            #expect(try await browser.get(callback).status == 303)
            _ = await app.session(of: browser)

            Self.expectRefusal(try await browser.get(callback), code: "LOGIN_NOT_IN_PROGRESS", server: server)
            #expect(try await browser.get(app.url("/dashboard")).status == 200, "the replay did not end the real session")
            // A new login under way does not make the old callback good again.
            _ = try await browser.post(app.url("/logout"), form: [])
            _ = try await app.startLogin(browser)
            Self.expectRefusal(try await browser.get(callback), code: "LOGIN_STATE_UNKNOWN", server: server)
            Self.expectRefusal(try await Browser().get(callback), code: "LOGIN_NOT_IN_PROGRESS", server: server)
            #expect(app.transport.count(.post, "/oauth/token") == 1, "no replay reached the token endpoint")
            server.ledger.expectNoneLogged()
        }
    }

    @Test("access-denied: the provider's error=access_denied is a 400 page naming it, and spends the login")
    func accessDenied() async throws {
        try await TestRelyingParty.with { app in
            let server = app.server
            let browser = Browser()
            let (_, state) = try await app.startLogin(browser)
            let denied = app.url("/callback?") + FormURLEncoding.encode([
                ("error", "access_denied"), ("error_description", "<script>alert(1)</script>"), ("state", state), ("iss", server.baseURL),
            ])
            let response = try await browser.get(denied)
            Self.expectRefusal(response, code: "LOGIN_DENIED: access_denied", server: server)
            #expect(!response.body.contains("<script>"))
            Self.expectRefusal(try await browser.get(denied), code: "LOGIN_NOT_IN_PROGRESS", server: server)
            server.ledger.expectNoneLogged()
        }
    }

    @Test("no-session: a callback in a browser that started no login (cookies blocked, or a link pasted elsewhere)")
    func noSession() async throws {
        try await TestRelyingParty.with { app in
            let server = app.server
            let browser = Browser()
            let callback = try await app.startedCallbackURL(browser)
            Self.expectRefusal(try await Browser().get(callback), code: "LOGIN_NOT_IN_PROGRESS", server: server)
            Self.expectRefusal(try await Browser().get(app.url("/callback")), code: "LOGIN_NOT_IN_PROGRESS", server: server)
            server.ledger.expectNoneLogged()
        }
    }

    @Test("expired-code: a code past its lifetime is invalid_grant at the token endpoint, a 400 page")
    func expiredCode() async throws {
        try await TestRelyingParty.with { app in
            let server = app.server
            let browser = Browser()
            let callback = try await app.startedCallbackURL(browser)
            server.clock.advance(by: 120)
            Self.expectRefusal(try await browser.get(callback), code: "LOGIN_CODE_REJECTED: invalid_grant", server: server)
            #expect(try await browser.get(app.url("/")).body == "out")
            server.ledger.expectNoneLogged()
        }
    }
}
