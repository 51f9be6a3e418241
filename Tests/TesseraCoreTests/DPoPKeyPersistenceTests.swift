import Foundation
import TesseraCore
import Testing

/// A DPoP key outlives its process only through its exported form: what an app keeps in its
/// secret store, and what a server-side session stores.
@Suite struct DPoPKeyPersistenceTests {
    @Test("an exported key restores to the same key, which signs proofs bound to the same thumbprint", arguments: DPoPAlgorithm.allCases)
    func roundTrip(algorithm: DPoPAlgorithm) throws {
        let key = DPoPKey.generate(algorithm)
        #expect(key.exported.unredacted.hasPrefix(algorithm.rawValue + ":"))
        let restored = try DPoPKey(exported: key.exported)
        #expect(restored == key)
        #expect(restored.algorithm == algorithm)
        let proof = try restored.proof(method: "POST", url: "https://id.example/oauth/token")
        #expect(try DPoPProofValidator.validate(proof, method: "POST", url: "https://id.example/oauth/token",
                                                boundTo: key.thumbprint, now: Date()).thumbprint == key.thumbprint)
        let decoded = try JSONDecoder().decode(DPoPKey.self, from: try JSONEncoder().encode(key))
        #expect(decoded == key)
    }

    @Test("text that is not an exported key is refused, and the error does not repeat it",
          arguments: ["", "ES256", "ES256:", "ES256:AAAA", "HS256:c2VjcmV0", "EdDSA:!!!", "RS256:c2VjcmV0LWJ1dC1ub3QtZGVy"])
    func refused(text: String) {
        let error = #expect(throws: DPoPKeyImportError.self) { try DPoPKey(exported: Secret(text)) }
        if let tail = text.split(separator: ":").last, tail.count > 5 {
            #expect(error.map { !"\($0)".contains(tail) } ?? true)
        }
    }

    @Test("the private key never prints: not its export, not the key, not through dump", arguments: DPoPAlgorithm.allCases)
    func redacted(algorithm: DPoPAlgorithm) {
        let key = DPoPKey.generate(algorithm)
        #expect("\(key.exported)" == "<redacted>")
        let privatePart = String(key.exported.unredacted.split(separator: ":")[1].prefix(16))
        var dumped = ""
        dump(key, to: &dumped)
        for text in ["\(key)", String(reflecting: key), dumped] {
            #expect(!text.contains(privatePart))
            #expect(!text.contains("PrivateKey"), "the private key's members are never walked: \(text)")
            #expect(text.contains(key.thumbprint))
        }
    }
}
