import Testing
import TesseraCore

/// The browser's side of logging in and of the consent page, for flows of first- and third-party clients alike.
extension ProviderUnderTest {
    /// Opens `authorizeURL` and, on the login page, logs in: the consent page or the redirect.
    func logIn(_ browser: Browser, _ authorizeURL: String, email: String = "alice@example.com",
               password: String = TestServer.password) async throws -> HTTPResult {
        let response = try await browser.get(authorizeURL)
        guard response.status == 200, response.body.contains("id=\"login-submit\"") else { return response }
        let form = try #require(LoginForm(html: response.body), "the login page has no login form")
        return try await browser.post(url("/login"), form: [
            ("csrf_token", form.csrfToken), ("authorization_request", form.authorizationRequest),
            ("email", email), ("password", password),
        ])
    }

    /// Submits the consent page's form with `decision` (`approve` or `deny`).
    func decide(_ browser: Browser, on page: HTTPResult, _ decision: String) async throws -> HTTPResult {
        #expect(page.isConsentPage, "not the consent page: \(page.status) \(page.body)")
        let form = try #require(LoginForm(html: page.body), "the consent page has no form")
        let response = try await browser.post(url("/consent"), form: [
            ("csrf_token", form.csrfToken), ("authorization_request", form.authorizationRequest), ("decision", decision),
        ])
        if let code = response.locationQuery["code"] { ledger.record(Secret(code)) }
        return response
    }
}

extension HTTPResult {
    var isConsentPage: Bool { status == 200 && body.contains("id=\"consent-approve\"") }
}
