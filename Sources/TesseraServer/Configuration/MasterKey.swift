import Crypto
import Foundation

/// The key that seals every private signing key at rest (AES-GCM under a key derived by HKDF).
///
/// It comes from `TESSERA_MASTER_KEY` (base64 of 32 random bytes), from a file, or — so that the
/// first run needs no set-up — from `tessera.key`, created with mode 0600 on first use. Every node
/// of a cluster must share it; losing it makes the stored signing keys unreadable.
public struct MasterKey: Sendable {
    private let key: SymmetricKey

    public init(bytes: [UInt8]) throws(MasterKeyError) {
        let key = SymmetricKey(data: bytes)
        guard key.bitCount == 256 else { throw .wrongLength }
        self.key = key
    }

    /// A master key from its base64 text (surrounding whitespace ignored).
    public init(base64: String) throws(MasterKeyError) {
        guard let data = Data(base64Encoded: base64.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw .notBase64
        }
        try self.init(bytes: [UInt8](data))
    }

    /// Reads the key at `path`, creating it (32 random bytes, base64, mode 0600) when absent.
    /// Returns whether it was created.
    public static func loadOrCreate(at path: String) throws -> (key: MasterKey, created: Bool) {
        if FileManager.default.fileExists(atPath: path) {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            return (try MasterKey(base64: text), false)
        }
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        let created = FileManager.default.createFile(
            atPath: path,
            contents: Data((bytes.base64EncodedString() + "\n").utf8),
            attributes: [.posixPermissions: 0o600]
        )
        guard created else { throw MasterKeyError.cannotCreate(path) }
        return (try MasterKey(bytes: [UInt8](bytes)), true)
    }

    /// The key for one purpose, so no two uses of the master key share a key.
    func derivedKey(for purpose: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Data("tessera/\(purpose)".utf8), outputByteCount: 32)
    }
}

public enum MasterKeyError: Error, CustomStringConvertible {
    case wrongLength
    case notBase64
    case cannotCreate(String)

    public var description: String {
        switch self {
        case .wrongLength: "the master key must be 32 bytes (base64 of 32 random bytes)"
        case .notBase64: "the master key is not valid base64"
        case .cannotCreate(let path): "cannot create the master key file at \(path)"
        }
    }
}
