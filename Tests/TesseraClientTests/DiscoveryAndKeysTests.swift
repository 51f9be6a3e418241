import Foundation
import Testing
import TesseraClient
import TesseraCore

@Suite("Discovery and the JWKS cache")
struct DiscoveryAndKeysTests {
    let fixture = Fixture()

    func discoveryDocument(issuer: String = TestIssuer.issuer) -> String {
        var metadata = fixture.metadata
        metadata.issuer = issuer
        return String(decoding: try! JSONEncoder().encode(metadata), as: UTF8.self)
    }

    func discoveringClient(issuer: String = TestIssuer.issuer) -> OIDCClient {
        OIDCClient(provider: .discovery(issuer: issuer), configuration: fixture.configuration,
                   transport: fixture.transport, now: fixture.clock.read)
    }

    @Test("discovery reads the provider's endpoints, once, and reuses them until they are older than the maximum age")
    func discoveryIsCached() async throws {
        fixture.transport.on(Fixture.discoveryURL, json: discoveryDocument())
        let client = discoveringClient()
        async let first = client.metadata()
        async let second = client.metadata()
        #expect(try await first == fixture.metadata)
        #expect(try await second == fixture.metadata)
        _ = try await client.authorizationRequest()
        #expect(fixture.transport.requests(to: Fixture.discoveryURL).count == 1)
        fixture.clock.advance(by: 24 * 3600 + 1)
        _ = try await client.metadata()
        #expect(fixture.transport.requests(to: Fixture.discoveryURL).count == 2)
    }

    @Test("discovery-issuer-mismatch: a document naming another issuer is refused")
    func discoveryIssuerMismatch() async throws {
        fixture.transport.on(Fixture.discoveryURL, json: discoveryDocument(issuer: "https://evil.example.com"))
        await expectClientError(.discoveryIssuerMismatch) {
            _ = try await OIDCClient.discover(issuer: TestIssuer.issuer, configuration: fixture.configuration, transport: fixture.transport)
        }
        // Exact comparison: a trailing slash is another issuer (Auth0's issuers end in one).
        fixture.transport.on(Fixture.discoveryURL, json: discoveryDocument())
        await expectClientError(.discoveryIssuerMismatch) {
            _ = try await OIDCClient.discover(issuer: TestIssuer.issuer + "/", configuration: fixture.configuration, transport: fixture.transport)
        }
    }

    @Test("discovery failures are typed: an HTML 404, a document missing token_endpoint, a bad issuer URL")
    func discoveryFailures() async throws {
        fixture.transport.on(Fixture.discoveryURL) { _ in TransportResponse(status: 404, body: Array("<h1>Not found</h1>".utf8)) }
        await expectClientError(.malformedResponse) { _ = try await discoveringClient().metadata() }
        fixture.transport.on(Fixture.discoveryURL, json: #"{"issuer":"\#(TestIssuer.issuer)","authorization_endpoint":"x","jwks_uri":"y","response_types_supported":["code"]}"#)
        await expectClientError(.malformedResponse) { _ = try await discoveringClient().metadata() }
        await expectClientError(.invalidConfiguration) { _ = try Discovery.request(issuer: "ftp://example.com") }
    }

    @Test("explicit endpoints need no discovery request")
    func explicitMetadata() async throws {
        _ = try await fixture.client().authorizationRequest()
        #expect(fixture.transport.requests.isEmpty)
    }

    // MARK: JWKS

    let nonce = Secret("n")

    func token(kid: TestIssuer.Key) async throws -> Secret {
        try await fixture.keys.sign(TestClaims(now: fixture.now, nonce: nonce.unredacted), with: kid)
    }

    /// A client that has fetched and cached a JWKS holding only the `rsa-1` key.
    func clientWithCachedRSAKey() async throws -> OIDCClient {
        let client = fixture.client()
        fixture.transport.on(Fixture.jwksURI, json: fixture.keys.jwks([.rsa]))
        _ = try await client.validateIDToken(try await token(kid: .rsa), nonce: nonce)
        return client
    }

    @Test("the JWKS is fetched once and cached across validations")
    func jwksCached() async throws {
        let client = fixture.client()
        for _ in 0..<3 {
            _ = try await client.validateIDToken(try await token(kid: .rsa), nonce: nonce)
        }
        #expect(fixture.transport.requests(to: Fixture.jwksURI).count == 1)
    }

    @Test("jwks-expiry: a set without Cache-Control is kept 10 minutes, then a key the provider withdrew is no longer trusted")
    func jwksDefaultExpiry() async throws {
        let client = try await clientWithCachedRSAKey()
        fixture.transport.on(Fixture.jwksURI, json: fixture.keys.jwks([.rsa2]))
        fixture.clock.advance(by: 9 * 60)
        _ = try await client.validateIDToken(try await token(kid: .rsa), nonce: nonce)
        #expect(fixture.transport.requests(to: Fixture.jwksURI).count == 1, "within 10 minutes the cached set is used")
        fixture.clock.advance(by: 61)
        let withdrawn = try await token(kid: .rsa)
        await expectClientError(.keyNotFound) { _ = try await client.validateIDToken(withdrawn, nonce: nonce) }
        #expect(fixture.transport.requests(to: Fixture.jwksURI).count >= 2)
    }

    @Test("jwks-expiry: Cache-Control max-age is honoured, and capped at 24 hours", arguments: [(60, 60), (31_536_000, 24 * 3600)])
    func jwksMaxAge(maxAge: Int, keptFor: Int) async throws {
        let client = fixture.client()
        fixture.transport.on(Fixture.jwksURI, json: fixture.keys.jwks([.rsa]), headers: [("Cache-Control", "public, max-age=\(maxAge)")])
        _ = try await client.validateIDToken(try await token(kid: .rsa), nonce: nonce)
        fixture.clock.advance(by: TimeInterval(keptFor - 1))
        _ = try await client.validateIDToken(try await token(kid: .rsa), nonce: nonce)
        #expect(fixture.transport.requests(to: Fixture.jwksURI).count == 1)
        fixture.clock.advance(by: 2)
        _ = try await client.validateIDToken(try await token(kid: .rsa), nonce: nonce)
        #expect(fixture.transport.requests(to: Fixture.jwksURI).count == 2, "expired after \(keptFor) s")
    }

    @Test("kid-rotated: an unknown kid triggers exactly one refetch, which finds the new key")
    func unknownKidRefetchesOnce() async throws {
        let client = try await clientWithCachedRSAKey()
        fixture.transport.on(Fixture.jwksURI, json: fixture.keys.jwks([.rsa, .rsa2]))
        _ = try await client.validateIDToken(try await token(kid: .rsa2), nonce: nonce)
        #expect(fixture.transport.requests(to: Fixture.jwksURI).count == 2)
    }

    @Test("kid-unknown: forged kids within the cool-down cause no further fetch; after it, one more")
    func unknownKidCooldown() async throws {
        let client = try await clientWithCachedRSAKey()
        let forged = try await token(kid: .ec)
        await expectClientError(.keyNotFound) { _ = try await client.validateIDToken(forged, nonce: nonce) }
        #expect(fixture.transport.requests(to: Fixture.jwksURI).count == 2, "one refetch for the unknown kid")
        for _ in 0..<5 {
            await expectClientError(.keyNotFound) { _ = try await client.validateIDToken(forged, nonce: nonce) }
        }
        #expect(fixture.transport.requests(to: Fixture.jwksURI).count == 2, "no refetch within the cool-down")
        fixture.clock.advance(by: 31)
        await expectClientError(.keyNotFound) { _ = try await client.validateIDToken(forged, nonce: nonce) }
        #expect(fixture.transport.requests(to: Fixture.jwksURI).count == 3, "one more after the cool-down")
    }

    @Test("kid-unknown, concurrent: twenty validations naming a new key share one refetch")
    func concurrentUnknownKid() async throws {
        let client = try await clientWithCachedRSAKey()
        fixture.transport.on(Fixture.jwksURI) { _ in
            try await Task.sleep(for: .milliseconds(50))
            return .json(TestIssuer.shared.jwks([.rsa, .ed]))
        }
        let rotated = try await token(kid: .ed)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask { _ = try await client.validateIDToken(rotated, nonce: nonce) }
            }
            try await group.waitForAll()
        }
        #expect(fixture.transport.requests(to: Fixture.jwksURI).count == 2)
    }
}
