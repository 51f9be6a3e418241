import _CryptoExtras
import Crypto
import Foundation

extension DPoPKey {
    /// The private key as text an app can keep in its secret store and restore with
    /// ``init(exported:)``: tokens bound to a key are only usable while the key is, so a client
    /// whose tokens must outlive a restart persists its key. `ALG:base64url(key)` — the raw
    /// 32-byte scalar for ES256 and EdDSA, PKCS #1 DER for RS256 — held in a ``Secret``, so it
    /// never prints by accident.
    ///
    /// ```swift
    /// try await vault.store("dpop-key", client.dpopKey!.exported.unredacted)
    /// configuration.dpop = .key(try DPoPKey(exported: Secret(try await vault.load("dpop-key"))))
    /// ```
    public var exported: Secret {
        let bytes: [UInt8] = switch backing {
        case .p256(let key): Array(key.rawRepresentation)
        case .ed25519(let key): Array(key.rawRepresentation)
        case .rsa(let key): Array(key.derRepresentation)
        }
        return Secret(algorithm.rawValue + ":" + Base64URL.encode(bytes))
    }

    /// The key ``exported`` wrote.
    /// - Throws: ``DPoPKeyImportError`` for text that is not an exported key.
    public init(exported: Secret) throws {
        let parts = exported.unredacted.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let algorithm = DPoPAlgorithm(rawValue: String(parts[0])),
              let bytes = Base64URL.decode(String(parts[1]))
        else { throw DPoPKeyImportError() }
        do {
            switch algorithm {
            case .es256: self.init(p256: try P256.Signing.PrivateKey(rawRepresentation: bytes))
            case .edDSA: self.init(ed25519: try Curve25519.Signing.PrivateKey(rawRepresentation: bytes))
            case .rs256: try self.init(rsa: try _RSA.Signing.PrivateKey(derRepresentation: bytes))
            }
        } catch {
            throw DPoPKeyImportError()
        }
    }
}

/// The key's storage form in a server-side session (`Codable`): ``DPoPKey/exported``, in clear —
/// like a token set's, it belongs in server-side storage only.
extension DPoPKey: Codable {
    public init(from decoder: any Decoder) throws {
        try self.init(exported: Secret(try decoder.singleValueContainer().decode(String.self)))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(exported.unredacted)
    }
}

/// Two keys are equal when their public halves are: one private key per public key.
extension DPoPKey: Equatable {
    public static func == (lhs: DPoPKey, rhs: DPoPKey) -> Bool { lhs.thumbprint == rhs.thumbprint }
}

/// Text given to ``DPoPKey/init(exported:)`` that is not an exported DPoP key. Says nothing of
/// the text itself: it would be a private key.
public struct DPoPKeyImportError: Error, Sendable, CustomStringConvertible {
    public var description: String { "not an exported DPoP key (expected ES256:…, EdDSA:… or RS256:…)" }
}

/// A key prints as its algorithm and thumbprint: the private key stays out of logs, `dump` and
/// the description of whatever holds it (a server-side session printed while debugging).
extension DPoPKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "DPoPKey(\(algorithm.rawValue), jkt: \(thumbprint))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["algorithm": algorithm, "thumbprint": thumbprint]) }
}
