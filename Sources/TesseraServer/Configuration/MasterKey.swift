import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

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
    ///
    /// The file appears complete and private in one step: the key is written to a fresh
    /// `O_CREAT|O_EXCL` file of mode 0600 and then hard-linked into place, which fails if another
    /// process got there first — that process's key is then read instead, so two first runs
    /// agree on one key. A key file that group or others may read is refused: it is no secret.
    public static func loadOrCreate(at path: String) throws -> (key: MasterKey, created: Bool) {
        if let existing = try load(at: path) {
            return (existing, false)
        }
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        let staging = path + ".\(UUID().uuidString).tmp"
        try PrivateFile.create(at: staging, contents: Data((bytes.base64EncodedString() + "\n").utf8))
        defer { unlink(staging) }
        guard link(staging, path) == 0 else {
            guard errno == EEXIST, let existing = try load(at: path) else { throw MasterKeyError.cannotCreate(path) }
            return (existing, false)
        }
        return (try MasterKey(bytes: [UInt8](bytes)), true)
    }

    /// Reads the key file at `path`, or nil when there is none; refuses one that group or others may read.
    public static func load(at path: String) throws -> MasterKey? {
        var status = stat()
        guard stat(path, &status) == 0 else {
            guard errno == ENOENT else { throw MasterKeyError.cannotRead(path) }
            return nil
        }
        guard status.st_mode & 0o077 == 0 else {
            throw MasterKeyError.readableByOthers(path, mode: Int(status.st_mode & 0o777))
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw MasterKeyError.cannotRead(path) }
        return try MasterKey(base64: text)
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
    case cannotRead(String)
    case readableByOthers(String, mode: Int)

    public var description: String {
        switch self {
        case .wrongLength: "the master key must be 32 bytes (base64 of 32 random bytes)"
        case .notBase64: "the master key is not valid base64"
        case .cannotCreate(let path): "cannot create the master key file at \(path)"
        case .cannotRead(let path): "cannot read the master key file at \(path)"
        case .readableByOthers(let path, let mode):
            "the master key file \(path) may be read by group or others (mode \(String(mode, radix: 8))): run chmod 600 \(path)"
        }
    }
}
