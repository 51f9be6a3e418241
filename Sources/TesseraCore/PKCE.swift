import Crypto
import Foundation

/// Proof Key for Code Exchange (RFC 7636), S256 only: `plain` proves nothing to an attacker who
/// sees the authorization request, so Tessera refuses it (RFC 9700 §2.1.1).
///
/// ```swift
/// let pkce = PKCE()                       // a fresh verifier and its challenge
/// // send pkce.challenge with code_challenge_method=S256 to /authorize, keep pkce.verifier
/// PKCE.isSatisfied(by: pkce.verifier, challenge: pkce.challenge)   // true
/// ```
public struct PKCE: Sendable {
    /// The only `code_challenge_method` accepted.
    public static let method = "S256"

    /// The `code_verifier`, kept by the client until the token request.
    public let verifier: Secret
    /// The `code_challenge` sent in the authorization request.
    public let challenge: String

    /// A new pair with a 256-bit verifier (43 base64url characters, the minimum RFC 7636 allows).
    public init() {
        self.init(verifier: Secret.random(byteCount: 32))
    }

    public init(verifier: Secret) {
        self.verifier = verifier
        self.challenge = PKCE.challenge(for: verifier)
    }

    /// `BASE64URL(SHA256(ASCII(code_verifier)))` (RFC 7636 §4.2).
    public static func challenge(for verifier: Secret) -> String {
        Base64URL.encode(SHA256.hash(data: Data(verifier.unredacted.utf8)))
    }

    /// Whether `verifier` is 43–128 unreserved characters (RFC 7636 §4.1).
    public static func isWellFormed(verifier: String) -> Bool {
        (43...128).contains(verifier.utf8.count) && verifier.utf8.allSatisfy(isUnreserved)
    }

    /// Whether `challenge` could be an S256 challenge: 43 base64url characters.
    public static func isWellFormed(challenge: String) -> Bool {
        challenge.utf8.count == 43 && challenge.utf8.allSatisfy(isUnreserved)
    }

    /// Whether `verifier` hashes to `challenge`, compared in constant time.
    public static func isSatisfied(by verifier: Secret, challenge: String) -> Bool {
        isWellFormed(verifier: verifier.unredacted)
            && ConstantTime.equals(Self.challenge(for: verifier), challenge)
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }
}
