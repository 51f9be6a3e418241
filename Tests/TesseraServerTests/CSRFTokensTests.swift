import Testing
import TesseraCore
@testable import TesseraServer

@Suite("CSRF tokens signed for a browser")
struct CSRFTokensTests {
    static let masterKey = try! MasterKey(bytes: Array(repeating: 7, count: 32))
    let tokens = CSRFTokens(masterKey: Self.masterKey)
    let request = "response_type=code&client_id=app&redirect_uri=https%3A%2F%2Fapp.example%2Fcb"

    @Test("the login token of a browser's cookie and request verifies, and is no copy of the cookie")
    func loginRoundTrip() {
        let browser = Secret.random()
        let token = tokens.login(browser: browser, authorizationRequest: request)
        #expect(tokens.verifiesLogin(token, browser: browser, authorizationRequest: request))
        #expect(token != browser.unredacted)
        #expect(token == CSRFTokens(masterKey: Self.masterKey).login(browser: browser, authorizationRequest: request),
                "every node with the master key mints the same token")
    }

    @Test("a token minted for another browser's cookie does not verify")
    func anotherBrowsersCookie() {
        let attacker = Secret.random()
        let victim = Secret.random()
        let token = tokens.login(browser: attacker, authorizationRequest: request)
        #expect(!tokens.verifiesLogin(token, browser: victim, authorizationRequest: request))
    }

    @Test("a forged cookie and field pair does not verify, nor a token signed under another key")
    func forgedPair() throws {
        let forged = Secret.random()
        #expect(!tokens.verifiesLogin(forged.unredacted, browser: forged, authorizationRequest: request), "a double-submit copy")
        let otherKey = CSRFTokens(masterKey: try MasterKey(bytes: Array(repeating: 8, count: 32)))
        #expect(!tokens.verifiesLogin(otherKey.login(browser: forged, authorizationRequest: request), browser: forged, authorizationRequest: request),
                "signed without this provider's key")
        #expect(!tokens.verifiesLogin(nil, browser: forged, authorizationRequest: request))
        #expect(!tokens.verifiesLogin("", browser: forged, authorizationRequest: request))
    }

    @Test("a login token is bound to its authorization request")
    func boundToRequest() {
        let browser = Secret.random()
        let token = tokens.login(browser: browser, authorizationRequest: request)
        #expect(!tokens.verifiesLogin(token, browser: browser, authorizationRequest: request + "&scope=admin"))
    }

    @Test("a logout token is bound to its session, and login and logout tokens are not interchangeable")
    func logoutTokens() {
        let session = Secret.random()
        let token = tokens.logout(session: session)
        #expect(tokens.verifiesLogout(token, session: session))
        #expect(!tokens.verifiesLogout(token, session: Secret.random()))
        #expect(!tokens.verifiesLogout(tokens.login(browser: session, authorizationRequest: ""), session: session))
        #expect(!tokens.verifiesLogin(token, browser: session, authorizationRequest: ""))
    }

    @Test("the parts are length-prefixed: moving a boundary between cookie and request changes the token")
    func noBoundaryConfusion() {
        #expect(tokens.login(browser: Secret("ab"), authorizationRequest: "c") != tokens.login(browser: Secret("a"), authorizationRequest: "bc"))
    }
}
