import Foundation
import Testing
import TesseraCore

/// RFC 9449 §6.2 with RFC 7662: introspecting a DPoP-bound token tells a resource server the key
/// it is bound to, so the resource can check the proof beside it.
@Suite("RFC 9449 §6.2: introspection of DPoP-bound tokens")
struct DPoPIntrospectionTests {
    @Test("RFC 9449 §6.2: introspection of a bound token shows cnf.jkt and token_type DPoP; a Bearer token has no cnf", arguments: TestEngine.all)
    func boundTokenIntrospection(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let caller = basicAuthorization(id: client.id, secret: try #require(client.secret))
            let key = DPoPKey.generate(.es256)
            let bound = try await server.exchange(try await server.code(for: client), client: client, dpop: try server.tokenProof(key))
            let boundToken = try #require(bound.json["access_token"] as? String, "\(bound.body)")
            let introspected = try await server.introspect(boundToken, caller: caller)
            #expect(introspected.status == 200)
            #expect(introspected.json["active"] as? Bool == true)
            #expect(introspected.json["token_type"] as? String == "DPoP")
            #expect(introspected.json["cnf"] as? [String: String] == ["jkt": key.thumbprint])

            let bearer = try await server.exchange(try await server.code(for: client), client: client)
            let plain = try await server.introspect(try #require(bearer.json["access_token"] as? String), caller: caller)
            #expect(plain.json["active"] as? Bool == true)
            #expect(plain.json["token_type"] as? String == "Bearer")
            #expect(plain.json["cnf"] == nil)
        }
    }
}
