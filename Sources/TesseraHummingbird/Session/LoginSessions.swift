import Foundation
import Hummingbird
import Logging
import TesseraClient
import TesseraCore

/// The engine behind the middleware and the routes: finds a request's session through its
/// cookie, stores sessions under fresh ids, and keeps a logged-in session's tokens fresh.
struct LoginSessions: Sendable {
    let client: OIDCClient
    let configuration: OIDCLoginConfiguration
    let store: any OIDCSessionStore
    let cookie: SessionCookie
    /// The path of the client's redirect URI, where the callback route listens.
    let callbackPath: String
    /// `scheme://host[:port]` of the redirect URI: the only `Origin` allowed to post a logout.
    let origin: String

    init(client: OIDCClient, configuration: OIDCLoginConfiguration, store: any OIDCSessionStore) {
        self.client = client
        self.configuration = configuration
        self.store = store
        let redirect = URLComponents(string: client.configuration.redirectURI)
        let scheme = redirect?.scheme?.lowercased() ?? "http"
        self.cookie = SessionCookie(name: configuration.cookieName, secure: scheme == "https")
        let path = redirect?.path ?? ""
        self.callbackPath = path.isEmpty ? "/callback" : path
        self.origin = scheme + "://" + (redirect?.host ?? "") + (redirect?.port.map { ":\($0)" } ?? "")
    }

    /// A session found through a request's cookie, and the key it is stored under.
    struct Found: Sendable {
        let id: Secret
        var session: OIDCSession
        var idHash: String { SecretHash(of: id).hex }
    }

    var now: Date { configuration.now() }

    /// A DPoP key for a new login when the client uses DPoP, of its key's algorithm: each login
    /// gets its own, so one session's key leaking (a store dump, a debugger) exposes no other's.
    func newDPoPKey() -> DPoPKey? {
        client.dpopKey.map { DPoPKey.generate($0.algorithm) }
    }

    /// The client as `session` uses it: holding the session's own DPoP key (none for a session
    /// without one, whose tokens are bearer tokens).
    func client(for session: OIDCSession) -> OIDCClient {
        client.withDPoPKey(session.dpopKey)
    }

    /// The request's session, if its cookie names one that is live.
    func find(_ request: Request) async throws -> Found? {
        guard let id = cookie.id(in: request) else { return nil }
        guard let session = try await store.load(idHash: SecretHash(of: id).hex, now: now), !session.isExpired(at: now) else { return nil }
        return Found(id: id, session: session)
    }

    func save(_ found: Found) async throws {
        try await store.save(found.session, idHash: found.idHash, now: now)
    }

    func remove(_ found: Found) async throws {
        try await store.remove(idHash: found.idHash)
    }

    /// Stores `session` under a new random id and returns the cookie that names it. A login that
    /// finishes always gets a new id, so an id planted in the browser before it (session
    /// fixation) never becomes a logged-in session.
    func create(_ session: OIDCSession) async throws -> Cookie {
        let id = Secret.random(byteCount: 32)
        try await store.save(session, idHash: SecretHash(of: id).hex, now: now)
        return cookie.setting(id, lifetime: .seconds(max(0, session.expiresAt.timeIntervalSince(now))))
    }

    /// The login of the browser behind `request`, its tokens refreshed when they are about to
    /// expire (through ``OIDCClient/validTokens(_:)``: one refresh however many requests race).
    ///
    /// A refresh the provider refuses (a revoked or expired refresh token) ends the session, and
    /// the returned `clearCookie` says to forget its cookie; a provider that cannot be reached or
    /// fails (5xx) leaves the tokens as they are, to be refreshed by a later request.
    /// The session's tokens come with the client to use them with (holding the session's DPoP key).
    func resolve(_ request: Request, logger: Logger) async -> (tokens: TokenSet?, client: OIDCClient?, clearCookie: Bool) {
        guard cookie.id(in: request) != nil else { return (nil, nil, false) }
        let found: Found
        do {
            guard let live = try await find(request) else { return (nil, nil, true) }
            found = live
        } catch {
            Self.logStoreFailure(error, logger: logger)
            return (nil, nil, false)
        }
        guard let tokens = found.session.tokens else { return (nil, nil, false) }
        let client = client(for: found.session)
        let fresh: TokenSet
        do {
            fresh = try await client.validTokens(tokens)
        } catch where Self.isTransient(error) {
            logger.warning("oidc refresh deferred: provider unavailable", metadata: ["error.code": "\(Self.code(of: error))"])
            return (tokens, client, false)
        } catch {
            logger.notice("oidc session ended: refresh refused", metadata: ["error.code": "\(Self.code(of: error))"])
            try? await remove(found)
            return (nil, nil, true)
        }
        if fresh != tokens {
            var updated = found
            updated.session.tokens = fresh
            do {
                try await save(updated)
                logger.debug("oidc session tokens refreshed")
            } catch {
                Self.logStoreFailure(error, logger: logger)
            }
        }
        return (fresh, client, false)
    }

    /// The page of a route whose session store failed: 503, the failure logged by type.
    func storeFailurePage(_ error: any Error, logger: Logger) -> Response {
        Self.logStoreFailure(error, logger: logger)
        return LoginPages.failure(.sessionsUnavailable, loginPath: configuration.loginPath)
    }

    static func logStoreFailure(_ error: any Error, logger: Logger) {
        logger.warning("oidc session store failed", metadata: ["error.type": "\(code(of: error))"])
    }

    /// Whether a refresh failed for a reason that may pass (the provider down, overloaded, or
    /// answering garbage) rather than because the provider refused it (`invalid_grant`) or its
    /// answer failed a check: the former keeps the session, the latter ends it.
    static func isTransient(_ error: any Error) -> Bool {
        switch error {
        case let error as OAuthError: error.status >= 500
        case let error as ClientError: [.timeout, .transportFailed, .malformedResponse].contains(error.code)
        default: true
        }
    }

    /// A stable, secret-free name for an error in a log line.
    static func code(of error: any Error) -> String {
        switch error {
        case let error as OAuthError: error.code.rawValue
        case let error as ClientError: error.code.rawValue
        default: String(describing: type(of: error))
        }
    }
}
