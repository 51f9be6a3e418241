import Foundation
import NIOHTTP1
import Testing
import TesseraCore
import TesseraServer

/// OpenID Connect Back-Channel Logout 1.0, the relying party's side: TesseraHummingbird's
/// `POST /backchannel-logout` against the real provider.
@Suite("OpenID Connect Back-Channel Logout 1.0: TesseraHummingbird")
struct BackchannelLogoutRelyingPartyTests {
    @Test("TesseraHummingbird: a logout token from the provider ends the matching local session; the browser's next request is not logged in")
    func providerLogoutEndsLocalSession() async throws {
        try await TestServer.with(.sqlite, configure: BackchannelLogoutTests.fastDelivery) { server in
            let app = try await TestRelyingParty.start(server)
            try await using(app, stop: { await $0.stop() }) { app in
                try await server.provider.administration.setBackchannelLogout(clientID: app.oidc.configuration.clientID,
                                                                               uri: app.url("/backchannel-logout"))
                let alice = Browser()
                try await app.logIn(alice)
                // Another login (another provider session) of the same user, which must survive.
                let otherTab = Browser()
                try await app.logIn(otherTab)
                #expect(try await alice.get(app.url("/dashboard")).status == 200)

                // Alice logs out at the provider itself, not through the app: only the back channel can tell it.
                let page = try await alice.get(server.url("/oidc/logout"))
                let confirmation = try #require(LogoutConfirmation(html: page.body))
                _ = try await alice.post(server.url(confirmation.action), form: confirmation.fields)

                try await eventually("the app's session ended") { try await alice.get(app.url("/dashboard")).status != 200 }
                let after = try await alice.get(app.url("/dashboard"))
                #expect(after.status == 302, "sent to log in again")
                #expect(after.location?.contains("/login") == true)
                #expect(try await otherTab.get(app.url("/dashboard")).status == 200, "a session of another provider session is kept")
                server.ledger.expectNoneLogged()
            }
        }
    }

    @Test("Back-Channel Logout §2.8: a bad logout token gets 400 invalid_request as JSON; no cookie, no Origin needed for a good one")
    func refusals() async throws {
        try await TestRelyingParty.with { app in
            let browser = Browser()
            try await app.logIn(browser)
            let idToken = try #require(await app.session(of: browser)?.tokens?.idToken)
            for body in ["logout_token=not-a-jwt", "", "logout_token=" + FormURLEncoding.escape(idToken.unredacted),
                         "logout_token=a&logout_token=b"] {
                let response = try await send(.POST, app.url("/backchannel-logout"),
                                              headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Origin", "https://evil.example")],
                                              body: body)
                #expect(response.status == 400, "\(body.prefix(20)): \(response.body)")
                #expect(response.json["error"] as? String == "invalid_request")
                #expect(response.json["error_description"] is String)
                #expect(response.header("Cache-Control") == "no-store")
            }
            #expect(try await browser.get(app.url("/dashboard")).status == 200, "an id_token is no logout token: the session is kept")
        }
    }
}
