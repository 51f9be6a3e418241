import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TesseraClient
import TesseraCore
@testable import TesseraHummingbird

/// The login's DPoP keys in-process: where they are made and kept (the flows against the real
/// provider are in TesseraIntegrationTests).
@Suite("OIDCLogin with DPoP in-process: a key per login, server-side")
struct LoginDPoPTests {
    static func app(dpop: DPoPConfiguration?, store: MemoryOIDCSessionStore) -> some ApplicationProtocol {
        var configuration = ClientConfiguration(clientID: "app", clientSecret: Secret("s3cr3t"), redirectURI: "http://127.0.0.1:3000/callback")
        configuration.dpop = dpop
        configuration.usePushedAuthorization = false
        let client = OIDCClient(provider: .metadata(LoginRoutesTests.metadata), configuration: configuration)
        let login = OIDCLogin(client: client, store: store, context: BasicOIDCRequestContext.self)
        let router = Router(context: BasicOIDCRequestContext.self)
        router.add(middleware: login.sessionMiddleware)
        router.addRoutes(login.routes)
        return Application(router: router)
    }

    /// The keys of the pending logins behind the session cookie `response` set.
    static func pendingKeys(_ response: TestResponse, in store: MemoryOIDCSessionStore) async throws -> [DPoPKey?] {
        let cookie = try #require(LoginRoutesTests.setCookie(response))
        let id = String(cookie.dropFirst("tessera_rp_session=".count).prefix { $0 != ";" })
        #expect(!cookie.contains(":"), "the cookie carries the session id only")
        let session = try #require(await store.load(idHash: SecretHash(of: Secret(id)).hex, now: Date()))
        return session.pendingLogins.map(\.dpopKey)
    }

    @Test("with configuration.dpop, each /login gets a key of its own, of the client's algorithm, kept with the pending login")
    func keyPerLogin() async throws {
        let store = MemoryOIDCSessionStore()
        try await Self.app(dpop: .edDSA, store: store).test(.router) { client in
            let first = try await Self.pendingKeys(try await client.execute(uri: "/login", method: .get), in: store)
            let second = try await Self.pendingKeys(try await client.execute(uri: "/login", method: .get), in: store)
            let a = try #require(first.first ?? nil), b = try #require(second.first ?? nil)
            #expect(a.algorithm == .edDSA)
            #expect(a != b, "two browsers, two keys")
        }
    }

    @Test("without configuration.dpop, logins get no key")
    func noKeyWithoutDPoP() async throws {
        let store = MemoryOIDCSessionStore()
        try await Self.app(dpop: nil, store: store).test(.router) { client in
            let keys = try await Self.pendingKeys(try await client.execute(uri: "/login", method: .get), in: store)
            #expect(keys.count == 1)
            #expect(keys.allSatisfy { $0 == nil })
        }
    }

    @Test("a session's DPoP key survives its Codable form, for stores that serialise sessions")
    func sessionCodable() throws {
        let key = DPoPKey.generate(.es256)
        let session = OIDCSession(expiresAt: Date(timeIntervalSince1970: 1_800_000_000), dpopKey: key)
        let decoded = try JSONDecoder().decode(OIDCSession.self, from: try JSONEncoder().encode(session))
        #expect(decoded.dpopKey?.thumbprint == key.thumbprint)
        #expect(decoded == session)
        let proof = try #require(try decoded.dpopKey?.proof(method: "GET", url: "https://api.example/x"))
        #expect(try DPoPProofValidator.validate(proof, method: "GET", url: "https://api.example/x", boundTo: key.thumbprint, now: Date())
            .thumbprint == key.thumbprint, "the restored key signs as the original")
    }
}
