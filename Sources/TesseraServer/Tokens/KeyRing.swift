import Crypto
import Foundation
public import JWTKit
import Logging
import Synchronization

/// The provider's signing keys: the one that signs, the one published next, and retired ones kept
/// until every token they signed has expired.
///
/// The database is the source of truth, so every node signs with the same key: each node reloads
/// the ring every ``reloadInterval`` and whenever it rotates, which bounds how long after
/// `tessera keys rotate` any node still signs with the old key. Signing reads a snapshot without
/// waiting on any lock.
public final class KeyRing: Sendable {
    /// How often a running node re-reads the keys.
    public static let reloadInterval: Duration = .seconds(15)

    private let store: any SigningKeyStore
    private let sealingKey: SymmetricKey
    private let retention: Int
    private let backend: SigningBackend
    private let keyGenerated: @Sendable (SigningAlgorithm) -> Void
    private let snapshot = Mutex<Snapshot?>(nil)

    /// What one load of the keys produced; replaced whole when the keys change.
    private struct Snapshot: Sendable {
        /// Every published key, for verifying tokens this provider signed.
        let collection: JWTKeyCollection
        /// The key that signs, per algorithm, with its kid.
        let signers: [SigningAlgorithm: (kid: String, key: any JWSSigningKey)]
        let jwks: [UInt8]
        let fingerprint: [String]
    }

    /// - Parameters:
    ///   - retention: how long a retired key stays published, in seconds: at least the lifetime
    ///     of the longest-lived token it may have signed.
    ///   - keyGenerated: told of every key pair generated (an RSA key costs tens of milliseconds
    ///     of CPU), for metrics and for tests that count them.
    public init(store: any SigningKeyStore, masterKey: MasterKey, retention: Int, backend: SigningBackend = .preferred,
                keyGenerated: @escaping @Sendable (SigningAlgorithm) -> Void = { _ in }) {
        self.store = store
        self.sealingKey = masterKey.derivedKey(for: "signing-keys/v1")
        self.retention = retention
        self.backend = backend
        self.keyGenerated = keyGenerated
    }

    /// The backend this ring signs with.
    public var signingBackend: SigningBackend { backend }

    /// Makes sure every algorithm has a signing key and a published next key, then loads the ring.
    /// Safe when several nodes start at once: missing keys are created under the migration lock.
    public func prepare(algorithms: [SigningAlgorithm] = SigningAlgorithm.allCases, now: Int) async throws {
        let existing = try await store.signingKeys(retiredAfter: now)
        var missing: [SigningKeyRecord] = []
        for algorithm in algorithms {
            let states = Set(existing.filter { $0.algorithm == algorithm.rawValue }.map(\.state))
            for state in [SigningKeyRecord.State.current, .next] where !states.contains(state) {
                missing.append(try generate(algorithm).sealed(with: sealingKey, state: state, at: now))
            }
        }
        // Generated outside the lock (RSA takes a while); inserted under it, where another node
        // that got there first wins and these are dropped.
        if !missing.isEmpty {
            try await store.insertMissing(missing)
        }
        try await reload(now: now)
    }

    /// Re-reads the keys; rebuilds the signer only when a key was added, promoted or retired.
    public func reload(now: Int) async throws {
        let records = try await store.signingKeys(retiredAfter: now - retention)
        let fingerprint = records.map { "\($0.kid):\($0.state.rawValue)" }
        if snapshot.withLock({ $0?.fingerprint == fingerprint }) { return }

        let collection = JWTKeyCollection()
        var signers: [SigningAlgorithm: (kid: String, key: any JWSSigningKey)] = [:]
        var jwks: [PublicJWK] = []
        for record in records {
            let key = try SigningKey(unsealing: record, with: sealingKey)
            try await key.add(to: collection)
            jwks.append(key.publicJWK)
            // Should two nodes ever both create a current key, the newest signs and both are published.
            if record.state == .current {
                signers[key.algorithm] = (key.kid, key.signer(backend: backend))
            }
        }
        let document = try JSONEncoder().encode(["keys": jwks])
        let loaded = Snapshot(collection: collection, signers: signers, jwks: Array(document), fingerprint: fingerprint)
        snapshot.withLock { $0 = loaded }
    }

    /// Every key the ring publishes at `now` — next, current, and retired ones still within the
    /// retention — as stored (sealed), for listing.
    public func publishedKeys(now: Int) async throws -> [SigningKeyRecord] {
        try await store.signingKeys(retiredAfter: now - retention)
    }

    /// Promotes the published next key of `algorithm` to signing and publishes a fresh next key.
    /// Returns the kid that now signs.
    @discardableResult
    public func rotate(_ algorithm: SigningAlgorithm, now: Int) async throws -> String? {
        try await rotate(algorithm, now: now, onlyIfActivatedBefore: nil)
    }

    /// Rotates every algorithm whose signing key has signed for more than `maximumAge` seconds.
    ///
    /// Called on every reload (each 15 s), so it first reads which keys are due and generates a
    /// successor only for those: a check must not cost three fresh key pairs, RSA among them. The
    /// store checks the age again under its lock, so nodes checking at once still rotate once.
    public func rotateIfDue(maximumAge: Int, now: Int) async throws {
        let cutoff = now - maximumAge
        let due = Set(try await store.signingKeys(retiredAfter: now)
            .filter { $0.state == .current && ($0.activatedAt ?? $0.createdAt) < cutoff }
            .map(\.algorithm))
        for algorithm in SigningAlgorithm.allCases where due.contains(algorithm.rawValue) {
            _ = try await rotate(algorithm, now: now, onlyIfActivatedBefore: cutoff)
        }
    }

    private func rotate(_ algorithm: SigningAlgorithm, now: Int, onlyIfActivatedBefore cutoff: Int?) async throws -> String? {
        let next = try generate(algorithm).sealed(with: sealingKey, state: .next, at: now)
        let promoted = try await store.rotateSigningKeys(publishing: next, at: now, onlyIfActivatedBefore: cutoff)
        try await reload(now: now)
        return promoted
    }

    private func generate(_ algorithm: SigningAlgorithm) throws -> SigningKey {
        let key = try SigningKey.generate(algorithm)
        keyGenerated(algorithm)
        return key
    }

    /// The JWKS document (`{"keys":[…]}`) as served.
    public var jwks: [UInt8] {
        snapshot.withLock { $0?.jwks ?? Array(#"{"keys":[]}"#.utf8) }
    }

    /// The kid that signs for `algorithm` now.
    public func signingKid(for algorithm: SigningAlgorithm) -> String? {
        snapshot.withLock { $0?.signers[algorithm]?.kid }
    }

    /// Signs `claims` with the current key of `algorithm`, `typ` in the header (`JWT`, or
    /// `at+jwt` for an RFC 9068 access token). Reads the snapshot under a lock held for a pointer
    /// copy; the signature itself runs on the caller's thread, so signing scales with the cores.
    public func sign(_ claims: some Encodable, algorithm: SigningAlgorithm, type: String = "JWT") throws -> String {
        let signer = try signer(for: algorithm)
        return try JWSSerializer.sign(claims, type: type, kid: signer.kid, key: signer.key)
    }

    /// ``sign(_:algorithm:type:)`` for the claims of the token endpoint, which write their own JSON.
    func sign(_ claims: some JWTClaimsWriting, algorithm: SigningAlgorithm, type: String = "JWT") throws -> String {
        let signer = try signer(for: algorithm)
        return try JWSSerializer.sign(claims, type: type, kid: signer.kid, key: signer.key)
    }

    private func signer(for algorithm: SigningAlgorithm) throws -> (kid: String, key: any JWSSigningKey) {
        guard let signer = snapshot.withLock({ $0?.signers[algorithm] }) else { throw KeyRingError.noSigningKey(algorithm) }
        return signer
    }

    /// Verifies a token this provider signed, with any published key.
    public func verify<Payload: JWTPayload>(_ token: String, as payload: Payload.Type) async throws -> Payload {
        guard let collection = snapshot.withLock({ $0?.collection }) else { throw KeyRingError.notLoaded }
        return try await collection.verify(token, as: Payload.self)
    }
}

public enum KeyRingError: Error, CustomStringConvertible {
    case noSigningKey(SigningAlgorithm)
    case notLoaded

    public var description: String {
        switch self {
        case .noSigningKey(let algorithm): "no signing key for \(algorithm.rawValue)"
        case .notLoaded: "the key ring has not been loaded"
        }
    }
}
