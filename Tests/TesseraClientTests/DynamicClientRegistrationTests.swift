import Foundation
import Testing
import TesseraCore
@testable import TesseraClient

@Suite("RFC 7591: a client registering itself")
struct DynamicClientRegistrationTests {
    @Test("RFC 7591 §3.1: the metadata is POSTed as JSON, the initial access token as a Bearer header, neither in the URL")
    func request() throws {
        let request = try DynamicClientRegistration.request(
            endpoint: "https://id.example/oauth/register",
            metadata: .init(clientName: "Agent", redirectURIs: ["http://127.0.0.1:8976/callback"], tokenEndpointAuthMethod: "none"),
            initialAccessToken: Secret("iat-123"))
        #expect(request.method == .post)
        #expect(request.url.absoluteString == "https://id.example/oauth/register")
        #expect(request.header("Content-Type") == "application/json")
        #expect(request.authorization?.unredacted == "Bearer iat-123")
        let body = try #require(JSONSerialization.jsonObject(with: Data((request.body?.unredacted ?? "").utf8)) as? [String: Any])
        #expect(body["client_name"] as? String == "Agent")
        #expect(body["redirect_uris"] as? [String] == ["http://127.0.0.1:8976/callback"])
        #expect(body["token_endpoint_auth_method"] as? String == "none")
        #expect(body["grant_types"] as? [String] == ["authorization_code", "refresh_token"])
        #expect(body["response_types"] as? [String] == ["code"])
        #expect(throws: ClientError.self) {
            try DynamicClientRegistration.request(endpoint: "ftp://id.example/register", metadata: .init(clientName: "A", redirectURIs: []))
        }
    }

    @Test("RFC 7591 §3.2: a 201 gives the credentials as Secrets; a refusal is the server's OAuthError with its description")
    func response() throws {
        let created = #"{"client_id":"c-1","client_secret":"s-1","registration_access_token":"rat-1","registration_client_uri":"https://id.example/oauth/register/c-1","redirect_uris":["https://app.example/cb"],"client_secret_expires_at":0}"#
        let registered = try DynamicClientRegistration.process(TransportResponse(status: 201, body: Array(created.utf8)))
        #expect(registered.clientID == "c-1")
        #expect(registered.clientSecret?.unredacted == "s-1")
        #expect(registered.registrationAccessToken?.unredacted == "rat-1")
        #expect(registered.registrationClientURI == "https://id.example/oauth/register/c-1")
        #expect("\(registered.clientSecret!)" == "<redacted>")

        let refused = #"{"error":"invalid_redirect_uri","error_description":"A redirect URI must not have a fragment."}"#
        #expect {
            try DynamicClientRegistration.process(TransportResponse(status: 400, body: Array(refused.utf8)))
        } throws: { error in
            let error = error as? OAuthError
            return error?.code == OAuthError.Code("invalid_redirect_uri") && error?.status == 400
        }
        let challenge = TransportResponse(status: 401, headers: [("WWW-Authenticate", #"Bearer error="invalid_token", error_description="no, \"really\"""#)])
        #expect {
            try DynamicClientRegistration.process(challenge)
        } throws: { ($0 as? OAuthError)?.code == .invalidToken && ($0 as? OAuthError)?.description == #"no, "really""# }
    }
}
