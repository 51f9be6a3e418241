import _CryptoExtras
import Crypto
import Foundation

/// A signing key held by swift-crypto: every algorithm, on every platform.
struct SwiftCryptoKey: JWSSigningKey {
    enum Material: Sendable {
        case rsa(_RSA.Signing.PrivateKey)
        case p256(P256.Signing.PrivateKey)
        case ed25519(Curve25519.Signing.PrivateKey)
    }

    let material: Material

    var algorithm: SigningAlgorithm {
        switch material {
        case .rsa: .rs256
        case .p256: .es256
        case .ed25519: .edDSA
        }
    }

    func sign(_ input: [UInt8]) throws -> [UInt8] {
        switch material {
        case .rsa(let key):
            return Array(try key.signature(for: SHA256.hash(data: input), padding: .insecurePKCS1v1_5).rawRepresentation)
        case .p256(let key):
            return Array(try key.signature(for: input).rawRepresentation)
        case .ed25519(let key):
            return Array(try key.signature(for: input))
        }
    }
}
