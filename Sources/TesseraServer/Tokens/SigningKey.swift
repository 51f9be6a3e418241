import _CryptoExtras
import Crypto
import Foundation
import JWTKit
import TesseraCore

/// A private signing key in memory: generated, sealed for storage, unsealed on load, handed to a
/// signing backend, and added to jwt-kit's key collection for verification.
struct SigningKey: Sendable {
    typealias Material = SwiftCryptoKey.Material

    let kid: String
    let algorithm: SigningAlgorithm
    let publicJWK: PublicJWK
    private let material: Material

    /// A fresh key with a random kid.
    static func generate(_ algorithm: SigningAlgorithm) throws -> SigningKey {
        let kid = Secret.random(byteCount: 12).unredacted
        switch algorithm {
        case .rs256: return try SigningKey(kid: kid, material: .rsa(try _RSA.Signing.PrivateKey(keySize: .bits2048)))
        case .es256: return try SigningKey(kid: kid, material: .p256(P256.Signing.PrivateKey()))
        case .edDSA: return try SigningKey(kid: kid, material: .ed25519(Curve25519.Signing.PrivateKey()))
        }
    }

    /// Opens a stored key with the master key's signing-key key.
    init(unsealing record: SigningKeyRecord, with key: SymmetricKey) throws {
        guard let algorithm = SigningAlgorithm(rawValue: record.algorithm),
              let sealed = Data(base64Encoded: record.sealedPrivateKey)
        else { throw SigningKeyError.unreadable(record.kid) }
        let box = try AES.GCM.SealedBox(combined: sealed)
        let der = try AES.GCM.open(box, using: key, authenticating: Data(record.kid.utf8))
        let material: Material = switch algorithm {
        case .rs256: .rsa(try _RSA.Signing.PrivateKey(derRepresentation: der))
        case .es256: .p256(try P256.Signing.PrivateKey(derRepresentation: der))
        case .edDSA: .ed25519(try Curve25519.Signing.PrivateKey(rawRepresentation: der))
        }
        try self.init(kid: record.kid, material: material)
    }

    private init(kid: String, material: Material) throws {
        self.kid = kid
        self.material = material
        switch material {
        case .rsa(let key):
            self.algorithm = .rs256
            let primitives = try Insecure.RSA.PublicKey(backing: key.publicKey).getKeyPrimitives()
            self.publicJWK = PublicJWK(
                kty: "RSA", kid: kid, alg: "RS256",
                n: Base64URL.encode(primitives.modulus), e: Base64URL.encode(primitives.publicExponent))
        case .p256(let key):
            self.algorithm = .es256
            let point = key.publicKey.x963Representation  // 0x04 || x || y
            self.publicJWK = PublicJWK(
                kty: "EC", kid: kid, alg: "ES256", crv: "P-256",
                x: Base64URL.encode(point[1..<33]), y: Base64URL.encode(point[33..<65]))
        case .ed25519(let key):
            self.algorithm = .edDSA
            self.publicJWK = PublicJWK(
                kty: "OKP", kid: kid, alg: "EdDSA", crv: "Ed25519",
                x: Base64URL.encode(key.publicKey.rawRepresentation))
        }
    }

    /// The stored form: private key sealed with AES-GCM (the kid as associated data, so a sealed
    /// key cannot be moved to another row), public JWK in the clear.
    func sealed(with key: SymmetricKey, state: SigningKeyRecord.State, at now: Int) throws -> SigningKeyRecord {
        let der: Data = switch material {
        case .rsa(let privateKey): privateKey.derRepresentation
        case .p256(let privateKey): privateKey.derRepresentation
        case .ed25519(let privateKey): privateKey.rawRepresentation
        }
        let box = try AES.GCM.seal(der, using: key, authenticating: Data(kid.utf8))
        guard let combined = box.combined else { throw SigningKeyError.unreadable(kid) }
        let jwk = String(decoding: try JSONEncoder().encode(publicJWK), as: UTF8.self)
        return SigningKeyRecord(
            kid: kid, algorithm: algorithm.rawValue, state: state,
            sealedPrivateKey: combined.base64EncodedString(), publicJWK: jwk,
            createdAt: now, activatedAt: state == .current ? now : nil, retiredAt: nil)
    }

    /// The key as `backend` signs with it; swift-crypto when libcrypto cannot take it (EdDSA).
    func signer(backend: SigningBackend) -> any JWSSigningKey {
        if backend == .libcrypto {
            let der: Data? = switch material {
            case .rsa(let key): key.derRepresentation
            case .p256(let key): key.derRepresentation
            case .ed25519: nil
            }
            if let der, let key = LibcryptoKey(der: Array(der), algorithm: algorithm) {
                return key
            }
        }
        return SwiftCryptoKey(material: material)
    }

    /// Adds the key to a jwt-kit collection under its kid.
    func add(to collection: JWTKeyCollection) async throws {
        let identifier = JWKIdentifier(string: kid)
        switch material {
        case .rsa(let key):
            await collection.add(rsa: try Insecure.RSA.PrivateKey(backing: key), digestAlgorithm: .sha256, kid: identifier)
        case .p256(let key):
            await collection.add(ecdsa: try ES256PrivateKey(backing: key), kid: identifier)
        case .ed25519(let key):
            await collection.add(eddsa: EdDSA.PrivateKey(backing: key), kid: identifier)
        }
    }
}

enum SigningKeyError: Error, CustomStringConvertible {
    case unreadable(String)
    case signingFailed

    var description: String {
        switch self {
        case .unreadable(let kid): "signing key \(kid) cannot be opened (is this the master key it was sealed with?)"
        case .signingFailed: "the signing backend failed to sign"
        }
    }
}
