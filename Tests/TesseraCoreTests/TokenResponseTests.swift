import Foundation
import Testing
import TesseraCore

@Suite("TokenResponse and OAuthError on the wire")
struct WireFormatTests {
    @Test("decodes the seed's JSON response field for field")
    func seedResponse() throws {
        let json = """
            {"access_token":"eyJ.a.b","id_token":"eyJ.c.d","scope":"openid profile email",
             "expires_in":86400,"token_type":"Bearer","refresh_token":"v1.M0_BQH2Sg8"}
            """
        let response = try JSONDecoder().decode(TokenResponse.self, from: Data(json.utf8))
        #expect(response.accessToken.unredacted == "eyJ.a.b")
        #expect(response.idToken?.unredacted == "eyJ.c.d")
        #expect(response.scope == "openid profile email")
        #expect(response.expiresIn == 86400)
        #expect(response.tokenType == "Bearer")
        #expect(response.refreshToken?.unredacted == "v1.M0_BQH2Sg8")
        #expect(!"\(response)".contains("eyJ"))
    }

    @Test("encodes real token values (the wire format), never in its description")
    func encodes() throws {
        let response = TokenResponse(accessToken: Secret("at"), scope: "openid", expiresIn: 60)
        let object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(response)) as? [String: Any])
        #expect(object["access_token"] as? String == "at")
        #expect(object["token_type"] as? String == "Bearer")
    }

    @Test("OAuthError round-trips error, error_description and error_uri")
    func oauthError() throws {
        let error = try JSONDecoder().decode(OAuthError.self, from: Data(#"{"error":"invalid_grant","error_description":"expired","error_uri":"https://x"}"#.utf8))
        #expect(error.code == .invalidGrant)
        #expect(error.description == "expired")
        #expect(error.uri == "https://x")
        #expect(error.status == 400)
        #expect(OAuthError(.invalidClient).status == 401)
        #expect(OAuthError(OAuthError.Code("mfa_required")).code.rawValue == "mfa_required")
    }
}
