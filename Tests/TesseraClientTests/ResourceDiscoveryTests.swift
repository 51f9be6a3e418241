import Foundation
import Testing
import TesseraCore
@testable import TesseraClient

@Suite("RFC 9728: from an API's 401 to its metadata")
struct ResourceDiscoveryTests {
    @Test("RFC 9110 §11.6.1: a WWW-Authenticate header's challenges, quoted strings with escapes and several challenges in one value")
    func challenges() {
        let header = #"Basic realm="x", Bearer error="invalid_token", error_description="say \"no\", twice", resource_metadata="https://api.example/.well-known/oauth-protected-resource", DPoP algs="ES256 RS256""#
        let parsed = AuthenticationChallenge.parse(header)
        #expect(parsed.map(\.scheme) == ["basic", "bearer", "dpop"])
        #expect(parsed[0].parameters == ["realm": "x"])
        #expect(parsed[1].parameters["error"] == "invalid_token")
        #expect(parsed[1].parameters["error_description"] == #"say "no", twice"#)
        #expect(parsed[1].parameters["resource_metadata"] == "https://api.example/.well-known/oauth-protected-resource")
        #expect(parsed[2].parameters["algs"] == "ES256 RS256")
    }

    @Test("RFC 6750 §3: a bare Bearer challenge, token values, and a quoted string that never closes is dropped, not guessed")
    func edgeCases() {
        #expect(AuthenticationChallenge.parse("Bearer") == [AuthenticationChallenge(scheme: "bearer", parameters: [:])])
        #expect(AuthenticationChallenge.parse("bearer error=invalid_token").first?.parameters == ["error": "invalid_token"])
        #expect(AuthenticationChallenge.parse(#"Bearer error="invalid_token, resource_metadata="https://evil.example/"#)
            .first?.parameters["resource_metadata"] == nil)
        #expect(AuthenticationChallenge.parse("").isEmpty)
    }

    @Test("RFC 9728 §5.1: the resource_metadata URL comes only from the Bearer challenge and only as an http(s) URL")
    func metadataURL() {
        #expect(ResourceDiscovery.metadataURL(wwwAuthenticate: #"Bearer resource_metadata="http://127.0.0.1:3001/.well-known/oauth-protected-resource""#)?
            .absoluteString == "http://127.0.0.1:3001/.well-known/oauth-protected-resource")
        #expect(ResourceDiscovery.metadataURL(wwwAuthenticate: #"Basic resource_metadata="https://api.example/m""#) == nil)
        #expect(ResourceDiscovery.metadataURL(wwwAuthenticate: #"Bearer resource_metadata="javascript:alert(1)""#) == nil)
        #expect(ResourceDiscovery.metadataURL(wwwAuthenticate: nil) == nil)
    }

    @Test("RFC 9728 §3.1: the well-known URL is inserted between host and path; a query or fragment is refused")
    func wellKnownURL() throws {
        #expect(try ResourceDiscovery.wellKnownURL(resource: "https://api.example/").absoluteString
            == "https://api.example/.well-known/oauth-protected-resource")
        #expect(try ResourceDiscovery.wellKnownURL(resource: "https://api.example:8443/v1/mail").absoluteString
            == "https://api.example:8443/.well-known/oauth-protected-resource/v1/mail")
        for bad in ["https://api.example/?q=1", "https://api.example/#f", "ftp://api.example/", "not a url"] {
            #expect(throws: ClientError.self, "\(bad)") { try ResourceDiscovery.wellKnownURL(resource: bad) }
        }
    }

    @Test("RFC 9728 §3.3 attack: metadata fetched for one API that names another resource is refused, so it cannot pick the client's authorization server")
    func resourceMismatch() throws {
        let document = #"{"resource":"https://evil.example/","authorization_servers":["https://evil.example/"]}"#
        let response = TransportResponse(status: 200, headers: [("Content-Type", "application/json")], body: Array(document.utf8))
        #expect {
            try ResourceDiscovery.process(response, expectedResource: "https://api.example/")
        } throws: { ($0 as? ClientError)?.code == .resourceMismatch }
        let good = #"{"resource":"https://api.example/","authorization_servers":["https://id.example/"],"scopes_supported":["read:messages"],"bearer_methods_supported":["header"]}"#
        let metadata = try ResourceDiscovery.process(TransportResponse(status: 200, headers: [], body: Array(good.utf8)),
                                                     expectedResource: "https://api.example/")
        #expect(metadata.authorizationServers == ["https://id.example/"])
        #expect(metadata.scopesSupported == ["read:messages"])
        #expect(throws: ClientError.self) {
            try ResourceDiscovery.process(TransportResponse(status: 404, headers: [], body: []), expectedResource: "https://api.example/")
        }
    }
}
