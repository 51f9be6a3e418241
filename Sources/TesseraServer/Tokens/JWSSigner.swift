import Foundation
import TesseraCore

/// The private half of a signing key, turning a JWS signing input into its signature.
///
/// Two backends: the system's libcrypto (OpenSSL 3, loaded at run time) where it exists — about
/// twice BoringSSL's RSA rate on CPUs with AVX-512 IFMA — and swift-crypto everywhere else.
protocol JWSSigningKey: Sendable {
    var algorithm: SigningAlgorithm { get }
    /// The raw JWS signature (RFC 7518 §3) of `input`.
    func sign(_ input: [UInt8]) throws -> [UInt8]
}

/// Compact JWS serialization (RFC 7515 §7.1) of a claims set: the one place tokens are signed.
///
/// jwt-kit verifies every token (in the tests, the client library and here); it signs through a
/// key collection that accepts no outside signer, so signing with libcrypto needs these few lines
/// of assembly: `BASE64URL(header) . BASE64URL(claims) . BASE64URL(signature)`.
enum JWSSerializer {
    private struct Header: Encodable {
        let alg: String
        let typ: String
        let kid: String
    }

    static func sign(_ claims: some Encodable, type: String, kid: String, key: any JWSSigningKey) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        let header = try encoder.encode(Header(alg: key.algorithm.rawValue, typ: type, kid: kid))
        let payload = try encoder.encode(claims)
        let signingInput = Base64URL.encode(header) + "." + Base64URL.encode(payload)
        let signature = try key.sign(Array(signingInput.utf8))
        return signingInput + "." + Base64URL.encode(signature)
    }
}

/// The signing backend in use, for the logs and the benchmark.
public enum SigningBackend: String, Sendable {
    case libcrypto
    case swiftCrypto = "swift-crypto"

    /// libcrypto when it loads, unless `TESSERA_SIGNING_BACKEND=swift-crypto` asks otherwise.
    public static var preferred: SigningBackend {
        if ProcessInfo.processInfo.environment["TESSERA_SIGNING_BACKEND"] == SigningBackend.swiftCrypto.rawValue {
            return .swiftCrypto
        }
        return LibcryptoKey.isAvailable ? .libcrypto : .swiftCrypto
    }
}
