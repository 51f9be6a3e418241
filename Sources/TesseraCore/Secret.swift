import Crypto
import Foundation

/// A secret value — client secret, password, authorization code, token or key — that never prints.
///
/// Every way Swift has of turning a value into text (`description`, `debugDescription`, string
/// interpolation, `dump`, `Mirror`, and `Encodable`) yields `<redacted>`, so a secret that slips
/// into a log line, an error message or a metrics label shows nothing. The value is read only
/// through ``unredacted``, which is easy to search for in review.
///
/// ```swift
/// let secret = Secret("s3cr3t")
/// print(secret)                    // <redacted>
/// secret == Secret("s3cr3t")       // true, compared in constant time
/// ```
public struct Secret: Sendable {
    /// The hidden value. Read it only where it must leave the process: an HTTP body, a header.
    public let unredacted: String

    public init(_ value: String) {
        self.unredacted = value
    }

    /// Whether the secret is the empty string (a missing `client_secret` is often sent as `""`).
    public var isEmpty: Bool { unredacted.isEmpty }

    /// A new secret of `byteCount` random bytes from the system's CSPRNG, base64url-encoded.
    ///
    /// 32 bytes (256 bits) is the default: codes, tokens, session ids and client secrets
    /// are all generated this way, so none of them can be guessed.
    public static func random(byteCount: Int = 32) -> Secret {
        // swift-crypto's generator (BoringSSL's, seeded by the kernel): one call for all the bytes,
        // where a byte at a time cost a system call each on the token endpoint's hot path.
        let bytes = SymmetricKey(size: SymmetricKeySize(bitCount: byteCount * 8)).withUnsafeBytes { Array($0) }
        return Secret(Base64URL.encode(bytes))
    }
}

extension Secret: Equatable {
    /// Compares in constant time, so an attacker cannot learn a secret one byte at a time.
    public static func == (lhs: Secret, rhs: Secret) -> Bool {
        ConstantTime.equals(Array(lhs.unredacted.utf8), Array(rhs.unredacted.utf8))
    }
}

extension Secret: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

extension Secret: Codable {
    /// Decodes from a plain JSON string (a token response, a request body).
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes as `<redacted>`: a secret is written out only by code that reads ``unredacted``
    /// on purpose, never by accident through a logging or metrics encoder.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode("<redacted>")
    }
}

extension Sequence where Element == UInt8 {
    /// Lowercase hexadecimal, two digits a byte.
    public var hexString: String {
        var out = [UInt8]()
        out.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
