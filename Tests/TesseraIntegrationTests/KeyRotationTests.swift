import Foundation
import Testing
import TesseraCore
import TesseraServer

@Suite("Signing keys")
struct KeyRotationTests {
    static func kids(_ server: some ProviderUnderTest) async throws -> [String] {
        let jwks = try await send(.GET, server.url("/.well-known/jwks.json"))
        return (jwks.json["keys"] as? [[String: Any]] ?? []).compactMap { $0["kid"] as? String }
    }

    @Test("keys rotate: the published next key signs at once, a new next key is published, the old key stays published", arguments: TestEngine.all)
    func rotate(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let before = try await Self.kids(server)
            let oldKid = try #require(server.provider.keyRing.signingKid(for: .rs256))
            let oldToken = try #require(try await server.exchange(try await server.code(for: client), client: client).json["id_token"] as? String)

            let newKid = try #require(try await server.provider.administration.rotateKeys(.rs256))
            #expect(newKid != oldKid)
            #expect(before.contains(newKid), "the new signing key was published before it signed")
            let after = try await Self.kids(server)
            #expect(after.contains(oldKid), "the retired key still verifies live tokens")
            #expect(after.count == before.count + 1, "one fresh next key")

            let newToken = try #require(try await server.exchange(try await server.code(for: client), client: client).json["id_token"] as? String)
            let (_, newHeader) = try await server.verifyIDToken(newToken)
            #expect(newHeader["kid"] as? String == newKid)
            let (oldClaims, oldHeader) = try await server.verifyIDToken(oldToken)
            #expect(oldHeader["kid"] as? String == oldKid)
            #expect(oldClaims.aud == client.id)
        }
    }

    @Test("a retired key leaves the JWKS once every token it signed has expired", arguments: TestEngine.all)
    func retiredKeysExpire(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let oldKid = try #require(server.provider.keyRing.signingKid(for: .rs256))
            try await server.provider.administration.rotateKeys(.rs256)
            server.clock.advance(by: server.provider.configuration.keyRetention + 1)
            try await server.provider.keyRing.reload(now: server.clock.wallClock.now())
            #expect(!(try await Self.kids(server)).contains(oldKid))
        }
    }
}
