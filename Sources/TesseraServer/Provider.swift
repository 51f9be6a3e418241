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
    let passwords: PasswordHasher

    /// Opens the database, applies migrations, and makes sure signing keys exist.
    public static func open(
        configuration: ProviderConfiguration,
        database: DatabaseURL,
        masterKey: MasterKey,
        clock: WallClock = .system
    ) async throws -> Provider {
        let store = SQLStore(engine: try await database.openEngine())
        do {
            try await store.migrate()
            let keyRing = KeyRing(store: store, masterKey: masterKey, retention: configuration.keyRetention,
                                  backend: configuration.signingBackend)
            try await keyRing.prepare(now: clock.now())
            return Provider(configuration: configuration, store: store, keyRing: keyRing, clock: clock,
                            passwords: PasswordHasher(cost: configuration.bcryptCost))
        } catch {
            await store.shutdown()
            throw error
        }
    }

    /// The operations of `tessera clients add`, `users add` and `keys rotate`.
    public var administration: Administration {
        Administration(store: store, keyRing: keyRing, passwords: passwords, clock: clock)
    }

    /// Background work a running server needs: rotating keys on schedule and picking up keys
    /// rotated by other processes.
    public var services: [any Service] {
        [KeyRingMaintenance(keyRing: keyRing, clock: clock, rotationAge: configuration.keyRotationDays.map { $0 * 86_400 })]
    }

    public func shutdown() async {
        await store.shutdown()
    }
}

/// Every ``KeyRing/reloadInterval``: rotates keys whose age reached `rotationAge` (when set), then
/// re-reads the keys, so a key rotated anywhere signs everywhere within that bound.
struct KeyRingMaintenance: Service {
    let keyRing: KeyRing
    let clock: WallClock
    let rotationAge: Int?

    func run() async throws {
        let logger = Logger(label: "tessera.keys")
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: KeyRing.reloadInterval)
                do {
                    if let rotationAge {
                        try await keyRing.rotateIfDue(maximumAge: rotationAge, now: clock.now())
                    }
                    try await keyRing.reload(now: clock.now())
                } catch {
                    logger.warning("could not reload signing keys", metadata: ["error.type": .string(String(describing: type(of: error)))])
                }
            }
        }
    }
}
