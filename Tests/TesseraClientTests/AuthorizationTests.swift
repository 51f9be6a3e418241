import Foundation
import Testing
import TesseraClient
import TesseraCore

@Suite("Authorization request and callback")
struct AuthorizationTests {
    let fixture = Fixture()

    @Test("the URL carries response_type, client_id, redirect_uri, scope, 256-bit state and nonce, and an S256 challenge of the kept verifier")
    func authorizationURL() async throws {
        let request = try await fixture.client().authorizationRequest(scope: "openid email", additionalParameters: [("prompt", "login")])
        let parameters = queryFields(request.url)
        #expect(request.url.absoluteString.hasPrefix(Fixture.base + "/authorize?"))
        #expect(parameters["response_type"] == "code")
        #expect(parameters["client_id"] == TestIssuer.clientID)
        #expect(parameters["redirect_uri"] == Fixture.redirectURI)
        #expect(parameters["scope"] == "openid email")
        #expect(parameters["prompt"] == "login")
        #expect(parameters["state"] == request.pending.state.unredacted)
        #expect(parameters["nonce"] == request.pending.nonce.unredacted)
        #expect(parameters["code_challenge_method"] == "S256")
        #expect(parameters["code_challenge"] == PKCE.challenge(for: request.pending.codeVerifier))
        #expect(parameters["code_verifier"] == nil, "the verifier never leaves the server")
        // 32 random bytes base64url-encoded: 43 characters, 256 bits (≥ 128 required).
        #expect(Base64URL.decode(request.pending.state.unredacted)?.count == 32)
        #expect(Base64URL.decode(request.pending.nonce.unredacted)?.count == 32)
        #expect(PKCE.isWellFormed(verifier: request.pending.codeVerifier.unredacted))
    }

    @Test("every request has fresh state, nonce and verifier")
    func freshSecrets() async throws {
        let client = fixture.client()
        let first = try await client.authorizationRequest(), second = try await client.authorizationRequest()
        #expect(first.pending.state != second.pending.state)
        #expect(first.pending.nonce != second.pending.nonce)
        #expect(first.pending.codeVerifier != second.pending.codeVerifier)
    }

    @Test("an additional parameter cannot replace state, nonce or the PKCE challenge")
    func reservedParameters() async throws {
        await expectClientError(.invalidConfiguration) {
            _ = try await fixture.client().authorizationRequest(additionalParameters: [("state", "fixed")])
        }
    }

    @Test("the pending authorization round-trips through Codable with its real values, and never prints them")
    func pendingAuthorizationStorage() throws {
        let pending = try fixture.pending()
        let decoded = try JSONDecoder().decode(PendingAuthorization.self, from: try JSONEncoder().encode(pending))
        #expect(decoded == pending)
        #expect(decoded.state.unredacted == pending.state.unredacted)
        let printed = "\(pending) \(String(reflecting: pending))"
        for secret in [pending.state, pending.nonce, pending.codeVerifier] {
            #expect(!printed.contains(secret.unredacted))
        }
    }

    // MARK: callback

    func callback(_ parameters: [(String, String)], pending: PendingAuthorization,
                  check: IssuerParameterCheck = .whenPresentOrAdvertised, advertised: Bool = true) throws -> AuthorizationCallback {
        var metadata = fixture.metadata
        metadata.authorizationResponseIssParameterSupported = advertised
        return try AuthorizationCallback.validate(query: FormURLEncoding.encode(parameters.map { (name: $0.0, value: $0.1) }),
                                                  pending: pending, metadata: metadata, issuerParameter: check)
    }

    @Test("a callback with this session's state and the provider's iss yields its code")
    func validCallback() throws {
        let pending = try fixture.pending()
        let result = try callback([("code", "the-code"), ("state", pending.state.unredacted), ("iss", TestIssuer.issuer)], pending: pending)
        #expect(result.code == Secret("the-code"))
    }

    @Test("state-mismatch: a callback carrying another state is refused (CSRF)")
    func stateMismatch() async throws {
        let pending = try fixture.pending()
        await expectClientError(.stateMismatch) {
            _ = try callback([("code", "c"), ("state", pending.state.unredacted + "x"), ("iss", TestIssuer.issuer)], pending: pending)
        }
        await expectClientError(.missingState) {
            _ = try callback([("code", "c"), ("iss", TestIssuer.issuer)], pending: pending)
        }
    }

    @Test("iss-mismatch: a callback naming another issuer is refused (RFC 9207 mix-up)")
    func issuerMismatch() async throws {
        let pending = try fixture.pending()
        await expectClientError(.issuerParameterMismatch) {
            _ = try callback([("code", "c"), ("state", pending.state.unredacted), ("iss", "https://attacker.example")], pending: pending)
        }
        // Checked when present even if the provider does not advertise it.
        await expectClientError(.issuerParameterMismatch) {
            _ = try callback([("code", "c"), ("state", pending.state.unredacted), ("iss", "https://attacker.example")],
                             pending: pending, advertised: false)
        }
    }

    @Test("iss-missing: required when advertised or configured, optional otherwise, skippable by name")
    func issuerMissing() async throws {
        let pending = try fixture.pending()
        let parameters = [("code", "c"), ("state", pending.state.unredacted)]
        await expectClientError(.missingIssuerParameter) { _ = try callback(parameters, pending: pending) }
        await expectClientError(.missingIssuerParameter) { _ = try callback(parameters, pending: pending, check: .required, advertised: false) }
        _ = try callback(parameters, pending: pending, advertised: false)
        _ = try callback(parameters + [("iss", "https://attacker.example")], pending: pending, check: .skipIssuerParameterCheck)
    }

    @Test("an error callback becomes the provider's OAuthError with description and uri")
    func errorCallback() async throws {
        let pending = try fixture.pending()
        let error = await expectOAuthError(.accessDenied) {
            _ = try callback([("error", "access_denied"), ("error_description", "The user said no."),
                              ("error_uri", "https://docs.example/denied"), ("state", pending.state.unredacted),
                              ("iss", TestIssuer.issuer)], pending: pending)
        }
        #expect(error?.description == "The user said no.")
        #expect(error?.uri == "https://docs.example/denied")
        // A forged error (wrong state) is refused as forged, not believed.
        await expectClientError(.stateMismatch) {
            _ = try callback([("error", "access_denied"), ("state", "forged"), ("iss", TestIssuer.issuer)], pending: pending)
        }
    }

    @Test("a repeated parameter, a missing code and bad encoding are refused")
    func malformedCallbacks() async throws {
        let pending = try fixture.pending()
        let state = pending.state.unredacted
        await expectClientError(.malformedCallback) {
            _ = try callback([("code", "a"), ("code", "b"), ("state", state), ("iss", TestIssuer.issuer)], pending: pending)
        }
        await expectClientError(.missingCode) { _ = try callback([("state", state), ("iss", TestIssuer.issuer)], pending: pending) }
        await expectClientError(.malformedCallback) {
            _ = try AuthorizationCallback.validate(query: "code=%ZZ", pending: pending, metadata: fixture.metadata)
        }
    }

    @Test("a whole callback URL validates like its query")
    func callbackURL() throws {
        let pending = try fixture.pending()
        let url = URL(string: Fixture.redirectURI + "?code=abc&state=\(pending.state.unredacted)&iss=\(FormURLEncoding.escape(TestIssuer.issuer))")!
        #expect(try AuthorizationCallback.validate(url: url, pending: pending, metadata: fixture.metadata).code == Secret("abc"))
    }
}
