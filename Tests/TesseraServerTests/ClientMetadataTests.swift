import Testing
import TesseraCore
@testable import TesseraServer

/// RFC 7591 §2 client metadata, parsed in-process: defaults, and which code each refusal gets.
@Suite("RFC 7591 client metadata rules")
struct ClientMetadataTests {
    static func parse(_ json: String) throws(OAuthError) -> ClientMetadata {
        try ClientMetadata(json: Array(json.utf8))
    }

    @Test("RFC 7591 §2: defaults — authorization_code, client_secret_basic, RS256, a default name — and every client is third-party")
    func defaults() throws {
        let metadata = try Self.parse(#"{"redirect_uris":["https://app.example/cb"]}"#)
        #expect(metadata.registration.grantTypes == [.authorizationCode])
        #expect(metadata.authMethod == .clientSecretBasic)
        #expect(!metadata.registration.isPublic)
        #expect(metadata.registration.idTokenAlgorithm == .rs256)
        #expect(metadata.registration.name == ClientMetadata.defaultName)
        #expect(metadata.registration.isThirdParty)
        #expect(metadata.scope == nil)
        #expect(metadata.members["response_types"] == .array([.string("code")]))
    }

    @Test("RFC 7591 §3.2.2: redirect URI problems are invalid_redirect_uri, every other problem invalid_client_metadata", arguments: [
        (#"{"redirect_uris":["https://a.example/cb#x"]}"#, "invalid_redirect_uri"),
        (#"{"redirect_uris":["http://192.168.1.5/cb"]}"#, "invalid_redirect_uri"),
        (#"{"redirect_uris":["https://a.example/c\u0000b"]}"#, "invalid_redirect_uri"),
        (#"{}"#, "invalid_redirect_uri"),
        (#"{"redirect_uris":["https://a.example/cb"],"post_logout_redirect_uris":["data:,x"]}"#, "invalid_client_metadata"),
        (#"{"redirect_uris":["https://a.example/cb"],"grant_types":["implicit"]}"#, "invalid_client_metadata"),
        (#"{"redirect_uris":["https://a.example/cb"],"client_name":"a\u001bb"}"#, "invalid_client_metadata"),
        (#"{"redirect_uris":["https://a.example/cb"],"token_endpoint_auth_method":"client_secret_jwt"}"#, "invalid_client_metadata"),
        (#"[1,2]"#, "invalid_client_metadata"),
    ])
    func refusalCodes(json: String, code: String) {
        #expect(throws: OAuthError.self) { try Self.parse(json) }
        do {
            _ = try Self.parse(json)
        } catch {
            #expect(error.code.rawValue == code, "\(json): \(error.description ?? "")")
            #expect(error.description?.isEmpty == false)
        }
    }

    @Test("attack: the administrator's TESSERA_ALLOW_HTTP_REDIRECTS escape hatch never applies to self-registration")
    func noHTTPEscapeHatch() throws {
        var registration = ClientRegistration(name: "App", redirectURIs: ["http://intranet.example/cb"])
        #expect(throws: RegistrationError.self) { try registration.validate(allowingHTTPRedirects: false) }
        try registration.validate(allowingHTTPRedirects: true)
        registration.redirectURIs = ["https://user:pass@app.example/cb"]
        #expect(throws: RegistrationError.self) { try registration.validate(allowingHTTPRedirects: true) }
    }

    @Test("RFC 9449 §5.2: dpop_bound_access_tokens makes the client require DPoP; it defaults to false, is always echoed, and must be a boolean")
    func dpopBoundAccessTokens() throws {
        let plain = try Self.parse(#"{"redirect_uris":["https://app.example/cb"]}"#)
        #expect(!plain.registration.requiresDPoP)
        #expect(plain.members["dpop_bound_access_tokens"] == .bool(false))
        let bound = try Self.parse(#"{"redirect_uris":["https://app.example/cb"],"dpop_bound_access_tokens":true}"#)
        #expect(bound.registration.requiresDPoP)
        #expect(bound.members["dpop_bound_access_tokens"] == .bool(true))
        #expect(bound.registration.client(id: "c", secretHash: nil).requiresDPoP)
        #expect(throws: OAuthError.self) { try Self.parse(#"{"redirect_uris":["https://app.example/cb"],"dpop_bound_access_tokens":"true"}"#) }
    }
}
