import Crypto
import Foundation

/// `at_hash` and `c_hash` (OpenID Connect Core §3.1.3.6): the left half of the hash of a token,
/// base64url-encoded, with the hash the signing algorithm uses.
public enum AccessTokenHash {
    /// The hash of `token` for an id_token signed with `algorithm` (`RS256`, `ES256`, `EdDSA`, …);
    /// `nil` for an algorithm with no defined hash.
    public static func compute(for token: Secret, algorithm: String) -> String? {
        var text = token.unredacted
        // Hashed from the string's own UTF-8 (no `Data` copy): this runs for every id_token.
        let digest: [UInt8]? = text.withUTF8 { utf8 in
            let data = UnsafeRawBufferPointer(utf8)
            switch algorithm {
            case "RS256", "ES256", "PS256", "HS256":
                return Array(SHA256.hash(data: data))
            case "RS384", "ES384", "PS384", "HS384":
                return Array(SHA384.hash(data: data))
            case "RS512", "ES512", "PS512", "HS512", "EdDSA":
                // OpenID Connect leaves EdDSA open; Ed25519 signs with SHA-512, as its implementers hash.
                return Array(SHA512.hash(data: data))
            default:
                return nil
            }
        }
        guard let digest else { return nil }
        return Base64URL.encode(digest.prefix(digest.count / 2))
    }
}
