import Crypto
import Foundation
import TesseraCore
import Testing

@Suite struct DPoPNonceAndReplayTests {
    let source = DPoPNonceSource(key: SymmetricKey(size: .bits256), period: .seconds(300))
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("RFC 9449 §8: a nonce is accepted in its period and the next, then refused; nonces rotate")
    func rotation() {
        let nonce = source.current(at: start)
        #expect(source.accepts(nonce, at: start))
        #expect(source.accepts(nonce, at: start.addingTimeInterval(300)))
        #expect(!source.accepts(nonce, at: start.addingTimeInterval(600)))
        #expect(source.current(at: start.addingTimeInterval(300)) != nonce)
    }

    @Test("attack: a forged nonce, or one made under another key (another installation), is refused")
    func forgery() {
        let nonce = source.current(at: start)
        let other = DPoPNonceSource(key: SymmetricKey(size: .bits256))
        #expect(!source.accepts(other.current(at: start), at: start))
        var bytes = Base64URL.decode(nonce)!
        bytes[bytes.count - 1] ^= 1
        #expect(!source.accepts(Base64URL.encode(bytes), at: start))
        #expect(!source.accepts("made-up", at: start))
    }

    @Test("attack: a replayed proof is refused by the memory replay guard")
    func replay() async throws {
        let guardian = MemoryDPoPReplayGuard()
        let key = DPoPKey.generate(.es256)
        let now = Date()
        let proof = try DPoPProofValidator.validate(try key.proof(method: "GET", url: "https://api.example/"),
                                                    method: "GET", url: "https://api.example/", now: now)
        #expect(try await guardian.firstUse(of: proof, keptUntil: now.addingTimeInterval(65)))
        #expect(try await !guardian.firstUse(of: proof, keptUntil: now.addingTimeInterval(65)))
    }

    @Test("the memory replay guard stays within its capacity under a flood of fresh proofs")
    func bounded() async throws {
        let guardian = MemoryDPoPReplayGuard(capacity: 10)
        let key = DPoPKey.generate(.es256)
        let now = Date()
        var proofs: [DPoPProof] = []
        for index in 0..<25 {
            let text = try key.proof(method: "GET", url: "https://api.example/", jti: "p\(index)")
            let proof = try DPoPProofValidator.validate(text, method: "GET", url: "https://api.example/", now: now)
            #expect(try await guardian.firstUse(of: proof, keptUntil: now.addingTimeInterval(Double(65 + index))))
            proofs.append(proof)
        }
        #expect(guardian.count <= 10)
        // The latest-expiring records are the ones kept.
        #expect(try await !guardian.firstUse(of: proofs[24], keptUntil: now.addingTimeInterval(90)))
    }
}
