import _CryptoExtras
import Crypto
import Foundation

/// The public key in a DPoP proof's `jwk` header (RFC 9449 §4.2), the key the proof is checked
/// with and an access token is bound to by its RFC 7638 thumbprint (`cnf.jkt`).
///
/// Only the three key types of ``DPoPAlgorithm`` are understood. A `jwk` carrying any private
/// member is refused outright (§4.3 step 7): a client that leaks its private key in every request
/// has no key worth binding to.
public struct DPoPPublicKey: Sendable {
    enum Backing: Sendable {
        case p256(P256.Signing.PublicKey)
        case ed25519(Curve25519.Signing.PublicKey)
        case rsa(_RSA.Signing.PublicKey)
    }

    let backing: Backing
    /// The public members, as a `jwk` header carries them.
    public let jwk: [String: JSONValue]
    /// The RFC 7638 SHA-256 thumbprint, base64url: the `jkt` a bound token names.
    public let thumbprint: String

    /// Members that only a private key has (RFC 7518 §6.2.2, §6.3.2; RFC 8037 §2).
    private static let privateMembers: Set<String> = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"]
    /// Below this an RSA key is refused: RFC 7518 §3.3 requires 2048 bits.
    static let minimumRSABits = 2048

    /// Reads a `jwk` header.
    /// - Throws: `invalid_dpop_proof` for a private or symmetric key, an unsupported key type or
    ///   curve, malformed coordinates, or an RSA modulus under 2048 bits.
    public init(jwk: [String: JSONValue]) throws(OAuthError) {
        if let member = Self.privateMembers.first(where: { jwk[$0] != nil }) {
            throw OAuthError(.invalidDPoPProof, "The DPoP proof's jwk holds the private member '\(member)'; send the public key only.")
        }
        func member(_ name: String) throws(OAuthError) -> [UInt8] {
            guard let text = jwk[name]?.string, let bytes = Base64URL.decode(text), !bytes.isEmpty else {
                throw OAuthError(.invalidDPoPProof, "The DPoP proof's jwk lacks a base64url '\(name)'.")
            }
            return bytes
        }
        let keyType = jwk["kty"]?.string
        let curve = jwk["crv"]?.string
        switch keyType {
        case "EC":
            guard curve == "P-256" else {
                throw OAuthError(.invalidDPoPProof, "The DPoP proof's EC key must be on curve P-256.")
            }
            let (x, y) = (try member("x"), try member("y"))
            guard x.count == 32, y.count == 32, let key = try? P256.Signing.PublicKey(rawRepresentation: x + y) else {
                throw OAuthError(.invalidDPoPProof, "The DPoP proof's EC key is not a point on P-256.")
            }
            backing = .p256(key)
            self.jwk = ["kty": .string("EC"), "crv": .string("P-256"), "x": .string(Base64URL.encode(x)), "y": .string(Base64URL.encode(y))]
        case "OKP":
            guard curve == "Ed25519" else {
                throw OAuthError(.invalidDPoPProof, "The DPoP proof's OKP key must be Ed25519.")
            }
            let x = try member("x")
            guard x.count == 32, let key = try? Curve25519.Signing.PublicKey(rawRepresentation: x) else {
                throw OAuthError(.invalidDPoPProof, "The DPoP proof's Ed25519 key is malformed.")
            }
            backing = .ed25519(key)
            self.jwk = ["kty": .string("OKP"), "crv": .string("Ed25519"), "x": .string(Base64URL.encode(x))]
        case "RSA":
            let (n, e) = (Self.withoutLeadingZeros(try member("n")), Self.withoutLeadingZeros(try member("e")))
            guard n.count * 8 >= Self.minimumRSABits, let key = try? _RSA.Signing.PublicKey(n: n, e: e) else {
                throw OAuthError(.invalidDPoPProof, "The DPoP proof's RSA key is malformed or shorter than 2048 bits.")
            }
            backing = .rsa(key)
            self.jwk = ["kty": .string("RSA"), "n": .string(Base64URL.encode(n)), "e": .string(Base64URL.encode(e))]
        default:
            throw OAuthError(.invalidDPoPProof, "The DPoP proof's jwk has no supported kty (EC, OKP or RSA).")
        }
        thumbprint = Self.thumbprint(of: self.jwk)
    }

    /// The key `algorithm` must be used with: a P-256 key signs ES256 only, and so on (RFC 7518).
    func accepts(_ algorithm: DPoPAlgorithm) -> Bool {
        switch (backing, algorithm) {
        case (.p256, .es256), (.ed25519, .edDSA), (.rsa, .rs256): true
        default: false
        }
    }

    /// Whether `signature` is this key's signature of `signingInput` under `algorithm`.
    func isValidSignature(_ signature: [UInt8], of signingInput: [UInt8], algorithm: DPoPAlgorithm) -> Bool {
        guard accepts(algorithm) else { return false }
        switch backing {
        case .p256(let key):
            guard let signature = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(signature, for: signingInput)
        case .ed25519(let key):
            return key.isValidSignature(signature, for: signingInput)
        case .rsa(let key):
            return key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: signingInput,
                                        padding: .insecurePKCS1v1_5)
        }
    }

    /// RFC 7638 §3: the required members only, in lexicographic order, no whitespace, hashed with
    /// SHA-256. Every member here is a base64url string, so no escaping is ever needed.
    static func thumbprint(of jwk: [String: JSONValue]) -> String {
        let required: [String] = switch jwk["kty"]?.string {
        case "EC": ["crv", "kty", "x", "y"]
        case "OKP": ["crv", "kty", "x"]
        default: ["e", "kty", "n"]
        }
        var writer = JSONWriter(capacity: 512)
        writer.beginObject()
        for name in required {
            writer.member(name, jwk[name]?.string ?? "")
        }
        writer.endObject()
        return Base64URL.encode(SHA256.hash(data: writer.bytes))
    }

    /// RSA integers are unsigned big-endian with no leading zero octets (RFC 7518 §6.3.1); some
    /// encoders add one anyway, and the thumbprint must not depend on that.
    private static func withoutLeadingZeros(_ bytes: [UInt8]) -> [UInt8] {
        let trimmed = bytes.drop(while: { $0 == 0 })
        return trimmed.isEmpty ? [0] : Array(trimmed)
    }
}
