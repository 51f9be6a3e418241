import Foundation
import Testing
import TesseraClient
import TesseraCore

@Suite("Revocation, userinfo and logout")
struct RevocationUserInfoLogoutTests {
    let fixture = Fixture()

    @Test("revoke POSTs the token and its hint with the client's credentials; a refusal is the provider's OAuthError")
    func revoke() async throws {
        var fixture = self.fixture
        fixture.configuration.authentication = .clientSecretJSON
        fixture.transport.on(Fixture.revocationEndpoint) { _ in TransportResponse(status: 200) }
        try await fixture.client().revoke(Secret("refresh-9"), hint: .refreshToken)
        let sent = try #require(fixture.transport.requests(to: Fixture.revocationEndpoint).first)
        let sentBody = try #require(sent.body).unredacted
        let body = try #require(try JSONSerialization.jsonObject(with: Data(sentBody.utf8)) as? [String: String])
        #expect(body == ["token": "refresh-9", "client_id": TestIssuer.clientID, "client_secret": Fixture.secret.unredacted,
                         "token_type_hint": "refresh_token"])

        fixture.transport.on(Fixture.revocationEndpoint, status: 401, json: #"{"error":"invalid_client","error_description":"Bad secret."}"#)
        await expectOAuthError(.invalidClient, status: 401) { try await fixture.client().revoke(Secret("refresh-9")) }
        fixture.metadata.revocationEndpoint = nil
        await expectClientError(.endpointNotAdvertised) { try await fixture.client().revoke(Secret("refresh-9")) }
    }

    @Test("userInfo sends the access token as a Bearer header and checks the sub against the id_token's")
    func userInfo() async throws {
        fixture.transport.on(Fixture.userinfoEndpoint, json: #"{"sub":"user-1","email":"alice@example.com","email_verified":true,"picture":"p.png"}"#)
        let info = try await fixture.client().userInfo(accessToken: Secret("access-1"), expectedSubject: "user-1")
        #expect(info.subject == "user-1")
        #expect(info.email == "alice@example.com")
        #expect(info.emailVerified == true)
        struct Extra: Decodable { let picture: String }
        #expect(try info.decode(Extra.self).picture == "p.png")
        #expect(fixture.transport.requests.last?.authorization == Secret("Bearer access-1"))
        #expect(try JSONDecoder().decode(UserInfo.self, from: try JSONEncoder().encode(info)) == info)

        await expectClientError(.subjectMismatch) {
            _ = try await fixture.client().userInfo(accessToken: Secret("access-1"), expectedSubject: "user-2")
        }
    }

    @Test("userInfo with a dead token is invalid_token 401, from the body or from the WWW-Authenticate challenge")
    func userInfoErrors() async throws {
        fixture.transport.on(Fixture.userinfoEndpoint) { _ in
            TransportResponse(status: 401, headers: [("WWW-Authenticate", #"Bearer realm="x", error="invalid_token", error_description="Expired.""#)])
        }
        let error = await expectOAuthError(.invalidToken, status: 401) {
            _ = try await fixture.client().userInfo(accessToken: Secret("a"), expectedSubject: nil)
        }
        #expect(error?.description == "Expired.")
        fixture.transport.on(Fixture.userinfoEndpoint, json: #"{"email":"no-sub@example.com"}"#)
        await expectClientError(.malformedResponse) { _ = try await fixture.client().userInfo(accessToken: Secret("a"), expectedSubject: nil) }
    }

    @Test("end-session URL: the advertised end_session_endpoint with id_token_hint, post_logout_redirect_uri, state and client_id")
    func endSessionURL() async throws {
        var fixture = self.fixture
        let url = try await fixture.client().endSessionURL(idTokenHint: Secret("id.token.value"),
                                                           postLogoutRedirectURI: "https://app.example/", state: "bye")
        #expect(url.absoluteString.hasPrefix(Fixture.base + "/oidc/logout?"))
        #expect(queryFields(url) == ["id_token_hint": "id.token.value", "post_logout_redirect_uri": "https://app.example/",
                               "state": "bye", "client_id": TestIssuer.clientID])
        fixture.metadata.endSessionEndpoint = nil
        await expectClientError(.endpointNotAdvertised) { _ = try await fixture.client().endSessionURL(idTokenHint: nil) }
    }

    @Test("Auth0 logout URL: /v2/logout on the issuer's domain with client_id and returnTo")
    func auth0LogoutURL() throws {
        let url = try LogoutURL.auth0(issuer: "https://tenant.auth0.com/", clientID: "abc", returnTo: "https://app.example/?a=b")
        #expect(url.absoluteString == "https://tenant.auth0.com/v2/logout?client_id=abc&returnTo=https%3A%2F%2Fapp.example%2F%3Fa%3Db")
    }
}
