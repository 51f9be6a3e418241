import Testing
@testable import TesseraServer

@Suite("Configuration parsing")
struct ConfigurationTests {
    @Test("database URLs", arguments: [
        ("sqlite:///var/lib/tessera/db.sqlite", DatabaseURL.sqlite(path: "/var/lib/tessera/db.sqlite")),
        ("sqlite://data/tessera.sqlite", .sqlite(path: "data/tessera.sqlite")),
        ("postgres://u:p@db:5432/tessera", .postgres(url: "postgres://u:p@db:5432/tessera")),
        ("postgresql://u@db/tessera", .postgres(url: "postgresql://u@db/tessera")),
    ])
    func databaseURLs(text: String, expected: DatabaseURL) throws {
        #expect(try DatabaseURL(parsing: text) == expected)
    }

    @Test("bad database URLs are refused", arguments: ["mysql://x/y", "sqlite://", "tessera.sqlite", "postgres://"])
    func badDatabaseURLs(text: String) {
        #expect(throws: DatabaseURLError.self) { try DatabaseURL(parsing: text) }
    }

    @Test("the master key lives beside the SQLite file, and a printed URL hides the password")
    func masterKeyPathAndRedaction() {
        #expect(DatabaseURL.sqlite(path: "/srv/t/db.sqlite").defaultMasterKeyPath == "/srv/t/tessera.key")
        #expect(DatabaseURL.sqlite(path: "db.sqlite").defaultMasterKeyPath == "tessera.key")
        #expect(!DatabaseURL.postgres(url: "postgres://u:hunter2@db/t").description.contains("hunter2"))
        #expect(DatabaseURL.postgres(url: "postgres://u:hunter2@db/t").description == "postgres://u:REDACTED@db/t")
    }

    @Test("a master key is exactly 32 bytes of base64")
    func masterKey() throws {
        #expect(throws: MasterKeyError.self) { try MasterKey(base64: "c2hvcnQ=") }
        #expect(throws: MasterKeyError.self) { try MasterKey(base64: "not base64!") }
        _ = try MasterKey(base64: String(repeating: "A", count: 43) + "=")
    }

    @Test("the issuer loses a trailing slash; cookies are Secure only under https")
    func issuer() {
        #expect(ProviderConfiguration(issuer: "https://id.example/").issuer == "https://id.example")
        #expect(ProviderConfiguration(issuer: "https://id.example").secureCookies)
        #expect(!ProviderConfiguration(issuer: "http://127.0.0.1:8080").secureCookies)
    }
}

@Suite("Client registration rules")
struct ClientRegistrationTests {
    @Test("redirect URIs: https, http on loopback, private-use schemes", arguments: [
        ("https://app.example/cb", true), ("http://localhost:3000/cb", true), ("http://127.0.0.1/cb", true),
        ("com.example.app:/callback", true), ("http://app.example/cb", false), ("https://app.example/cb#x", false),
        ("javascript:alert(1)", false), ("/relative", false), ("myapp:/cb", false),
    ])
    func redirectURIs(uri: String, valid: Bool) {
        let registration = ClientRegistration(name: "x", redirectURIs: [uri])
        let accepted = (try? registration.validate()) != nil
        #expect(accepted == valid)
    }

    @Test("a public client cannot use client_credentials; a code client needs a redirect URI")
    func combinations() {
        #expect(throws: RegistrationError.self) {
            try ClientRegistration(name: "x", redirectURIs: [], isPublic: true, grantTypes: [.clientCredentials]).validate()
        }
        #expect(throws: RegistrationError.self) { try ClientRegistration(name: "x", redirectURIs: []).validate() }
    }
}

@Suite("Authorization responses")
struct AuthorizationResponseTests {
    @Test("parameters join an existing query and always carry iss (RFC 9207)")
    func responseURL() {
        #expect(AuthorizationRequest.responseURL(redirectURI: "https://a.example/cb", parameters: [("code", "c"), ("state", "s t")],
                                                 issuer: "https://id.example")
                == "https://a.example/cb?code=c&state=s+t&iss=https%3A%2F%2Fid.example")
        #expect(AuthorizationRequest.responseURL(redirectURI: "https://a.example/cb?x=1", parameters: [("code", "c")], issuer: "i")
                == "https://a.example/cb?x=1&code=c&iss=i")
    }
}

@Suite("Redirect URI matching")
struct RedirectURIMatcherTests {
    @Test("exact match, and any port only for a public client's loopback IP literal (RFC 8252 §7.3)", arguments: [
        ("https://app.example/cb", ["https://app.example/cb"], true),
        ("https://app.example:8443/cb", ["https://app.example/cb"], false),
        ("https://app.example/cb/", ["https://app.example/cb"], false),
        ("http://127.0.0.1:53412/cb", ["http://127.0.0.1/cb"], true),
        ("http://127.0.0.1:53412/cb", ["http://127.0.0.1:8080/cb"], true),
        ("http://[::1]:6000/cb", ["http://[::1]/cb"], true),
        ("http://localhost:4000/cb?x=1", ["http://localhost/cb?x=1"], false),
        ("http://localhost:4000/cb", ["http://localhost:4000/cb"], true),
        ("http://127.0.0.1:53412/other", ["http://127.0.0.1/cb"], false),
        ("http://localhost:4000/cb", ["http://127.0.0.1/cb"], false),
        ("https://127.0.0.1:4000/cb", ["https://127.0.0.1/cb"], false),
        ("http://evil.example:80/cb", ["http://127.0.0.1/cb"], false),
    ])
    func publicClient(candidate: String, registered: [String], expected: Bool) {
        #expect(RedirectURIMatcher.isRegistered(candidate, in: registered, allowingAnyLoopbackPort: true) == expected)
    }

    @Test("a confidential client's loopback redirect URI must match exactly, port included", arguments: [
        ("http://127.0.0.1:8080/cb", ["http://127.0.0.1:8080/cb"], true),
        ("http://127.0.0.1:53412/cb", ["http://127.0.0.1:8080/cb"], false),
        ("http://127.0.0.1:53412/cb", ["http://127.0.0.1/cb"], false),
        ("http://[::1]:6000/cb", ["http://[::1]/cb"], false),
    ])
    func confidentialClient(candidate: String, registered: [String], expected: Bool) {
        #expect(RedirectURIMatcher.isRegistered(candidate, in: registered, allowingAnyLoopbackPort: false) == expected)
    }
}
