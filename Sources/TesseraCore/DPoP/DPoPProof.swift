import Crypto
public import Foundation

/// A DPoP proof that passed every stateless check of RFC 9449 §4.3 (``DPoPProofValidator``):
/// what the server binds tokens to and records against replay.
public struct DPoPProof: Sendable {
    /// The media type a proof's `typ` header must name (§4.2).
    public static let type = "dpop+jwt"

    /// The key that signed it.
    public let publicKey: DPoPPublicKey
    /// The proof's `jti`: unique per proof, so a second use is a replay.
    public let jti: String
    /// Its `iat`.
    public let issuedAt: Date
    /// The server nonce it echoes, when it carries one.
    public let nonce: String?

    /// The RFC 7638 thumbprint of the signing key: `cnf.jkt` of the tokens bound to it.
    public var thumbprint: String { publicKey.thumbprint }

    /// What a replay record stores: SHA-256 over the key's thumbprint and the `jti`, base64url.
    /// Fixed length whatever the client sends, and scoped to the key, so one client's `jti` can
    /// never collide with (and so lock out) another's.
    public var replayKey: String {
        Base64URL.encode(SHA256.hash(data: Array((thumbprint + "." + jti).utf8)))
    }

    /// The `ath` of a proof sent with `accessToken` (§4.2): base64url of the SHA-256 of its ASCII.
    public static func ath(of accessToken: Secret) -> String {
        Base64URL.encode(SHA256.hash(data: Array(accessToken.unredacted.utf8)))
    }
}
