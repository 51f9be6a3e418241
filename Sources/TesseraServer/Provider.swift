import Foundation
import Hummingbird
import Logging
public import ServiceLifecycle
import TesseraCore

/// The authorization server as a library: storage, keys and the Hummingbird router of every
/// endpoint. `tessera serve` is this plus a socket; the tests run it in-process on a loopback port.
///
/// ```swift
/// let provider = try await Provider.open(
///     configuration: ProviderConfiguration(issuer: "http://127.0.0.1:8080"),
///     database: .sqlite(path: "tessera.sqlite"), masterKey: key)
/// let app = Application(router: provider.router(), services: provider.services)
/// try await app.runService()
/// ```
public struct Provider: Sendable {
    public let configuration: ProviderConfiguration
    public let store: SQLStore
    public let keyRing: KeyRing
    public let clock: WallClock
    /// User passwords' bcrypt, shared by every login of this provider (its bound is process-wide).
    public let passwords: PasswordHasher
    /// Signs the CSRF tokens of the login and logout forms, under a key derived from the master key.
    let csrf: CSRFTokens
    /// Client records as client authentication reads them: cached briefly, dropped on any change.
    let clients: CachedClientStore
    /// Checks DPoP proofs at the token endpoint and /userinfo; its nonces are keyed from the
    /// master key, so every node hands out and accepts the same ones.
    public let dpop: DPoPProofCheck
    /// The audit trail every node writes to and reads from the database (see ``AuditLog``).
    public let audit: AuditLog

    /// Opens the database, applies migrations, and makes sure signing keys exist.
    public static func open(
        configuration: ProviderConfiguration,
        database: DatabaseURL,
        masterKey: MasterKey,
        clock: WallClock = .system
    ) async throws -> Provider {
        try await open(configuration: configuration, store: try await SQLStore.open(database), masterKey: { masterKey }, clock: clock)
    }

    /// Applies migrations to an open store and makes sure signing keys exist; the store is shut
    /// down when this throws. The master key is asked for only once the database has answered, so
    /// an unreachable database leaves no key file behind.
    public static func open(
        configuration: ProviderConfiguration,
        store: SQLStore,
        masterKey: () throws -> MasterKey,
        clock: WallClock = .system
    ) async throws -> Provider {
        do {
            try await store.migrate()
            let key = try masterKey()
            let keyRing = KeyRing(store: store, masterKey: key, retention: configuration.keyRetention,
                                  backend: configuration.signingBackend)
            try await keyRing.prepare(now: clock.now())
            return Provider(configuration: configuration, store: store, keyRing: keyRing, clock: clock,
                            passwords: PasswordHasher(cost: configuration.bcryptCost, concurrent: configuration.concurrentPasswordChecks,
                                                       queued: configuration.queuedPasswordChecks),
                            csrf: CSRFTokens(masterKey: key),
                            clients: CachedClientStore(store: store, changes: store.clientChanges,
                                                       lifetime: configuration.clientCacheLifetime),
                            dpop: DPoPProofCheck(settings: configuration.dpop, nonceKey: key.derivedKey(for: "dpop-nonces/v1"),
                                                 replayGuard: DatabaseDPoPReplayGuard(proofs: store, clock: clock), clock: clock),
                            audit: AuditLog(store: store, clock: clock))
        } catch {
            await store.shutdown()
            throw error
        }
    }

    /// The administration layer acting for the command line (``AuditActor/commandLine``).
    public var administration: Administration {
        administration(actor: .commandLine)
    }

    /// The administration layer acting for `actor`, whose changes its audit events name (the
    /// management API passes the calling client, and the request's address as `ipAddress`).
    public func administration(actor: AuditActor, ipAddress: String? = nil) -> Administration {
        Administration(store: store, keyRing: keyRing, passwords: passwords, clock: clock, audit: audit, actor: actor, ipAddress: ipAddress)
    }

    /// Background work a running server needs: rotating keys on schedule, picking up keys
    /// rotated by other processes within ``ProviderConfiguration/keyReloadInterval``, deleting
    /// expired rows, and delivering back-channel logout tokens.
    public var services: [any Service] {
        let (keyRing, store, clock) = (self.keyRing, self.store, self.clock)
        let rotationAge = configuration.keyRotationDays.map { $0 * 86_400 }
        let backchannelLogout = BackchannelLogoutDelivery(store: store, keyRing: keyRing, issuer: configuration.issuer,
                                                          policy: configuration.backchannelLogout, clock: clock)
        return [
            PeriodicService(name: "signing key reload", interval: configuration.keyReloadInterval) { _ in
                if let rotationAge {
                    try await keyRing.rotateIfDue(maximumAge: rotationAge, now: clock.now())
                }
                try await keyRing.reload(now: clock.now())
            },
            PeriodicService(name: "expired row collection", interval: configuration.collectionInterval) { logger in
                let removed = try await store.collectExpired(at: clock.now())
                if removed.total > 0 { logger.info("\(removed)") }
            },
            PeriodicService(name: "back-channel logout delivery", interval: configuration.backchannelLogout.pollInterval) { logger in
                try await backchannelLogout.deliverDue(logger: logger)
            },
        ] + ClientChangeListener.services(for: store)
    }

    public func shutdown() async {
        await store.shutdown()
    }
}
