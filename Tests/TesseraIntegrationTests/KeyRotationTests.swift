import Foundation
import NIOHTTP1
import SQLKit
import Synchronization
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

    @Test("per-client id_token algorithm: ES256 and EdDSA id_tokens verify against the JWKS", arguments: [SigningAlgorithm.es256, .edDSA])
    func perClientAlgorithm(algorithm: SigningAlgorithm) async throws {
        try await TestServer.with(.sqlite) { server in
            let client = try await server.addClient(idTokenAlgorithm: algorithm)
            try await server.addUser()
            let response = try await server.exchange(try await server.code(for: client), client: client)
            let accessToken = try #require(response.json["access_token"] as? String)
            let (claims, header) = try await server.verifyIDToken(try #require(response.json["id_token"] as? String))
            #expect(header["alg"] as? String == algorithm.rawValue)
            #expect(header["kid"] as? String == server.provider.keyRing.signingKid(for: algorithm))
            #expect(claims.at_hash == AccessTokenHash.compute(for: Secret(accessToken), algorithm: algorithm.rawValue))
        }
    }

    @Test("both signing backends (system libcrypto, swift-crypto) sign tokens that verify against the JWKS",
          arguments: [SigningBackend.libcrypto, .swiftCrypto], [SigningAlgorithm.rs256, .es256, .edDSA])
    func signingBackends(backend: SigningBackend, algorithm: SigningAlgorithm) async throws {
        try await TestServer.with(.sqlite, configure: { $0.signingBackend = backend }) { server in
            #expect(server.provider.keyRing.signingBackend == backend)
            let client = try await server.addClient(idTokenAlgorithm: algorithm)
            try await server.addUser()
            let response = try await server.exchange(try await server.code(for: client), client: client)
            let (claims, header) = try await server.verifyIDToken(try #require(response.json["id_token"] as? String))
            #expect(header["alg"] as? String == algorithm.rawValue)
            #expect(claims.aud == client.id)
        }
    }

    @Test("the system libcrypto is used where it exists")
    func libcryptoPreferred() {
        if FileManager.default.fileExists(atPath: "/usr/lib/x86_64-linux-gnu/libcrypto.so.3") {
            #expect(SigningBackend.preferred == .libcrypto)
        }
    }

    @Test("private keys are sealed at rest: no key material in the database, and another master key cannot open them", arguments: TestEngine.all)
    func sealedAtRest(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let rows = try await server.provider.store.engine.read { database in
                try await database.raw("SELECT sealed_private_key, public_jwk FROM signing_keys").all()
            }
            #expect(rows.count >= 6)
            for row in rows {
                let sealed = try row.decode(column: "sealed_private_key", as: String.self)
                let jwk = try row.decode(column: "public_jwk", as: String.self)
                #expect(!sealed.contains("BEGIN"))
                #expect(!jwk.contains("\"d\""))
            }
            await #expect(throws: (any Error).self) {
                let wrongKey = try MasterKey(bytes: Array(repeating: 9, count: 32))
                let other = try await Provider.open(configuration: server.provider.configuration, database: server.database.url, masterKey: wrongKey)
                await other.shutdown()
            }
        }
    }

    @Test("scheduled rotation: a key rotates once it reaches its age, once, however many nodes check at the same moment", arguments: TestEngine.all)
    func scheduledRotation(engine: TestEngine) async throws {
        try await TestServer.with(engine, configure: { $0.keyRotationDays = 1 }) { server in
            let ring = server.provider.keyRing
            let before = try #require(ring.signingKid(for: .rs256))
            try await ring.rotateIfDue(maximumAge: 86_400, now: server.clock.wallClock.now())
            #expect(ring.signingKid(for: .rs256) == before, "not due yet")
            server.clock.advance(by: 86_401)
            let now = server.clock.wallClock.now()
            let count = try await Self.kids(server).count
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<3 { group.addTask { try await ring.rotateIfDue(maximumAge: 86_400, now: now) } }
                try await group.waitForAll()
            }
            #expect(ring.signingKid(for: .rs256) != before)
            #expect(try await Self.kids(server).count == count + SigningAlgorithm.allCases.count, "one rotation per algorithm")
        }
    }

    @Test("--key-rotation-days checks every 15 s without generating keys: none until the signing key is due, then one per algorithm", arguments: TestEngine.all)
    func rotationCheckGeneratesKeysOnlyWhenDue(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { database in
            try await database.withStore { store in
                _ = try await store.migrate()
                let generated = Mutex(0)
                let ring = KeyRing(store: store, masterKey: try MasterKey(bytes: Array(repeating: 7, count: 32)), retention: 3600,
                                   keyGenerated: { _ in generated.withLock { $0 += 1 } })
                let start = 1_800_000_000, day = 86_400
                try await ring.prepare(now: start)
                let algorithms = SigningAlgorithm.allCases.count
                #expect(generated.withLock { $0 } == 2 * algorithms, "a signing and a next key per algorithm")
                for check in 1...200 {
                    try await ring.rotateIfDue(maximumAge: day, now: start + check * 15)
                }
                #expect(generated.withLock { $0 } == 2 * algorithms, "200 checks of keys not yet due generate nothing")
                let before = try #require(ring.signingKid(for: .rs256))
                try await ring.rotateIfDue(maximumAge: day, now: start + day + 1)
                #expect(ring.signingKid(for: .rs256) != before)
                #expect(generated.withLock { $0 } == 3 * algorithms, "one new next key per algorithm once due")
                try await ring.rotateIfDue(maximumAge: day, now: start + day + 16)
                #expect(generated.withLock { $0 } == 3 * algorithms, "the freshly promoted keys are not due")
            }
        }
    }

    @Test("keys rotate from the command line reaches a running server within the bound (<= 60 s)")
    func rotationReachesRunningServer() async throws {
        try await withTemporaryDirectory { directory in
            let database = "sqlite://\(directory.path)/tessera.sqlite"
            let server = try await ServeProcess(arguments: ["--database", database])
            _ = try await TesseraBinary.run(["apis", "add", "--identifier", "https://api.example.com", "--name", "API", "--database", database])
            let machine = try await TesseraBinary.addClient(["--name", "M", "--grant-type", "client_credentials"], database: database)
            _ = try await TesseraBinary.run(["grants", "add", "--client", machine.id, "--api", "https://api.example.com", "--database", database])
            func signingKid() async throws -> String? {
                let form = formBody([("grant_type", "client_credentials"), ("audience", "https://api.example.com")])
                let response = try await send(.POST, server.baseURL + "/oauth/token",
                                              headers: [basicAuthorization(id: machine.id, secret: machine.secret!), form.header], body: form.body)
                let token = try #require(response.json["access_token"] as? String, "\(response.body)")
                let header = try JSONSerialization.jsonObject(with: Data(Base64URL.decode(String(token.split(separator: ".")[0])) ?? []))
                return (header as? [String: Any])?["kid"] as? String
            }
            let before = try await signingKid()
            let rotated = try await TesseraBinary.run(["keys", "rotate", "--alg", "RS256", "--database", database])
            #expect(rotated.status == 0)
            let start = ContinuousClock.now
            var current = before
            while current == before, ContinuousClock.now - start < .seconds(60) {
                try await Task.sleep(for: .milliseconds(500))
                current = try await signingKid()
            }
            #expect(current != before, "the running server still signs with the old key after 60 s")
            #expect(rotated.stdout.contains(current ?? "-"))
            await server.terminate()
        }
    }
}
