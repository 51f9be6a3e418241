import Crypto
import Foundation

/// The SHA-256 of a secret, as lowercase hex: the only form in which Tessera stores, or looks up,
/// a secret it generated (codes, tokens, session ids, client secrets, PAR references).
///
/// Hashing lives here and nowhere else, so every column and every lookup agree on one form. A
/// generated secret carries 256 bits of entropy, so a fast hash is as strong as a slow one and
/// costs microseconds on the token endpoint's hot path; passwords use bcrypt instead.
public struct SecretHash: Hashable, Sendable, CustomStringConvertible {
    /// The 64 hex digits, as stored.
    public let hex: String

    /// Hashes `secret`.
    public init(of secret: Secret) {
        var text = secret.unredacted
        // Hashed in place from the string's UTF-8, not through a `Data` copy: this runs for every
        // code, refresh token and client secret a token request presents.
        hex = text.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)) }.hexString
    }

    /// A hash read back from storage.
    public init(stored hex: String) {
        self.hex = hex
    }

    public var description: String { hex }

    /// Compares with `other` in constant time (a stored client secret's hash against a presented one's).
    public func matches(_ other: SecretHash) -> Bool {
        ConstantTime.equals(hex, other.hex)
    }
}
