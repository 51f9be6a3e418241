public import Foundation
public import TesseraClient

/// Where ``OIDCSession``s live, server-side, keyed by the SHA-256 of the session id in the cookie.
///
/// The store never sees a live cookie value, only its hash, so a dump of it (a Redis snapshot, a
/// database backup) cannot be replayed as anyone's cookie — the same reason the provider keeps
/// its own sessions by hash. ``MemoryOIDCSessionStore``, an actor, is the default; implement this
/// protocol over a shared database or cache when the app runs on several nodes.
///
/// ```swift
/// struct RedisSessions: OIDCSessionStore {
///     func load(idHash: String, now: Date) async throws -> OIDCSession? {
///         try await redis.get("oidc:" + idHash, as: OIDCSession.self).flatMap { $0.isExpired(at: now) ? nil : $0 }
///     }
///     func save(_ session: OIDCSession, idHash: String, now: Date) async throws {
///         try await redis.set("oidc:" + idHash, to: session, expiresIn: session.expiresAt.timeIntervalSince(now))
///     }
///     func remove(idHash: String) async throws { try await redis.delete("oidc:" + idHash) }
/// }
/// ```
public protocol OIDCSessionStore: Sendable {
    /// The session stored under `idHash`, or `nil` when there is none or it expired by `now`.
    func load(idHash: String, now: Date) async throws -> OIDCSession?
    /// Stores `session` under `idHash`, replacing what was there, until its `expiresAt`.
    func save(_ session: OIDCSession, idHash: String, now: Date) async throws
    /// Forgets the session under `idHash`, if any.
    func remove(idHash: String) async throws
    /// Forgets every session a back-channel logout token ends (see ``OIDCSession/isEnded(by:)``)
    /// and returns how many there were. Needed for `POST /backchannel-logout`; the default
    /// implementation throws ``OIDCSessionStoreError/backchannelLogoutUnsupported``, so a custom
    /// store keeps compiling and answers back-channel logouts with 501 until it implements this
    /// (typically with an index from the provider's `sid` and `sub` to session keys).
    func removeSessions(endedBy logout: LogoutTokenClaims) async throws -> Int
}

extension OIDCSessionStore {
    public func removeSessions(endedBy logout: LogoutTokenClaims) async throws -> Int {
        throw OIDCSessionStoreError.backchannelLogoutUnsupported
    }
}

/// What an ``OIDCSessionStore`` cannot do.
public struct OIDCSessionStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Internal: Sendable { case backchannelLogoutUnsupported }
    private let value: Internal

    /// The store cannot find sessions by the provider's `sid` or `sub`.
    public static var backchannelLogoutUnsupported: Self { .init(value: .backchannelLogoutUnsupported) }

    public var description: String {
        switch value {
        case .backchannelLogoutUnsupported: "the session store cannot end sessions by the provider's sid or sub"
        }
    }
}
