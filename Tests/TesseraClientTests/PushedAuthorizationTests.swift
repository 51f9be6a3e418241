import Foundation
import Testing
import TesseraClient
import TesseraCore

/// The client's RFC 9126 steps against a fake provider: what the push carries, and what a broken
/// answer becomes.
@Suite("Pushed authorization requests (RFC 9126), in-process")
struct PushedAuthorizationTests {
    static let parEndpoint = Fixture.base + "/oauth/par"

    /// A fixture whose provider advertises PAR.
    static func fixture(authentication: ClientAuthentication? = nil) -> Fixture {
        var fixture = Fixture()
        fixture.metadata.pushedAuthorizationRequestEndpoint = parEndpoint
        if let authentication { fixture.configuration.authentication = authentication }
        return fixture
    }

    @Test("RFC 9126 §2.1: the push is a form POST with every parameter and the client's credentials; the URL has only client_id and request_uri")
    func pushCarriesTheRequest() async throws {
        let fixture = Self.fixture()
        fixture.transport.on(Self.parEndpoint, status: 201, json: #"{"request_uri":"urn:ietf:params:oauth:request_uri:abc","expires_in":60}"#)
        let request = try await fixture.client().authorizationRequest(scope: "openid email", additionalParameters: [("prompt", "login")])
        #expect(queryFields(request.url) == ["client_id": TestIssuer.clientID, "request_uri": "urn:ietf:params:oauth:request_uri:abc"])
        let push = try #require(fixture.transport.requests(to: Self.parEndpoint).first)
        #expect(push.method == .post)
        #expect(push.headers.contains { $0.name == "Content-Type" && $0.value == "application/x-www-form-urlencoded" })
        #expect(push.authorization?.unredacted.hasPrefix("Basic ") == true)
        let body = push.formBody
        #expect(body["state"] == request.pending.state.unredacted)
        #expect(body["nonce"] == request.pending.nonce.unredacted)
        #expect(body["code_challenge"] == PKCE.challenge(for: request.pending.codeVerifier))
        #expect(body["redirect_uri"] == Fixture.redirectURI)
        #expect(body["scope"] == "openid email")
        #expect(body["prompt"] == "login")
        #expect(body["client_id"] == nil, "Basic names the client")
    }

    @Test("RFC 9126 §2.1: a client configured for JSON bodies (the seed's) still pushes a form, with its credentials in it")
    func jsonClientPushesForm() async throws {
        let fixture = Self.fixture(authentication: .clientSecretJSON)
        fixture.transport.on(Self.parEndpoint, status: 201, json: #"{"request_uri":"urn:ietf:params:oauth:request_uri:abc","expires_in":60}"#)
        _ = try await fixture.client().authorizationRequest()
        let push = try #require(fixture.transport.requests(to: Self.parEndpoint).first)
        #expect(push.headers.contains { $0.name == "Content-Type" && $0.value == "application/x-www-form-urlencoded" })
        #expect(push.formBody["client_id"] == TestIssuer.clientID)
        #expect(push.formBody["client_secret"] == Fixture.secret.unredacted)
    }

    @Test("RFC 9126 §2.2: a success without a request_uri, or not JSON, is RESPONSE_MALFORMED; an HTML error page too", arguments: [
        (201, #"{"expires_in":60}"#), (201, #"{"request_uri":"","expires_in":60}"#), (201, "<html>"), (502, "<html>Bad gateway</html>"),
    ])
    func malformedAnswers(example: (status: Int, body: String)) async throws {
        let fixture = Self.fixture()
        fixture.transport.on(Self.parEndpoint, status: example.status, json: example.body)
        await expectClientError(.malformedResponse) { _ = try await fixture.client().authorizationRequest() }
    }

    @Test("usePushedAuthorization = false: no push even when advertised")
    func optOut() async throws {
        var fixture = Self.fixture()
        fixture.configuration.usePushedAuthorization = false
        let request = try await fixture.client().authorizationRequest()
        #expect(queryFields(request.url)["state"] == request.pending.state.unredacted)
        #expect(fixture.transport.requests(to: Self.parEndpoint).isEmpty)
    }
}
