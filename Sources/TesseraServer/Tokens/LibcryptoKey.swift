import CTesseraLibcrypto
import Foundation

/// An RS256 or ES256 key held by the system's libcrypto, parsed once and shared by every thread.
final class LibcryptoKey: JWSSigningKey, @unchecked Sendable {
    // @unchecked: the EVP_PKEY is immutable after parsing, and OpenSSL 3 allows concurrent
    // signing with one key (each signature uses its own EVP_MD_CTX).
    let algorithm: SigningAlgorithm
    private let key: UnsafeMutableRawPointer

    static var isAvailable: Bool { tessera_libcrypto_available() == 1 }

    /// The key from its DER form; nil when libcrypto is absent or cannot parse it.
    init?(der: [UInt8], algorithm: SigningAlgorithm) {
        guard algorithm != .edDSA, let key = der.withUnsafeBufferPointer({ tessera_libcrypto_load_key($0.baseAddress, $0.count) }) else {
            return nil
        }
        self.key = key
        self.algorithm = algorithm
    }

    deinit {
        tessera_libcrypto_free_key(key)
    }

    func sign(_ input: [UInt8]) throws -> [UInt8] {
        var signature = [UInt8](repeating: 0, count: 512)
        var length = signature.count
        let ok = input.withUnsafeBufferPointer { message in
            signature.withUnsafeMutableBufferPointer { output in
                tessera_libcrypto_sign_sha256(key, message.baseAddress, message.count, output.baseAddress, &length)
            }
        }
        guard ok == 1 else { throw SigningKeyError.signingFailed }
        signature.removeSubrange(length...)
        if algorithm == .es256 {
            // libcrypto writes ECDSA signatures in DER; JWS wants r ‖ s (RFC 7518 §3.4).
            guard let raw = ECDSASignatureDER.raw(signature, width: 32) else { throw SigningKeyError.signingFailed }
            return raw
        }
        return signature
    }
}
