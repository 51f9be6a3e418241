import Foundation
import TesseraCore

/// What the authorization server said about recently introspected tokens, so an API does not ask
/// again on every request.
///
/// Keyed by the token's SHA-256, never the token: a heap dump or a debugger shows no bearer
/// token that could be replayed. Bounded (beyond `capacity` the oldest answer goes first), and
/// every entry carries its own deadline, which the introspector sets no later than the token's
/// `exp`. Only active answers are kept: see ``TokenIntrospector``.
actor IntrospectionCache {
    private var answers: ExpiringCache<SecretHash, VerifiedAccessToken>

    init(capacity: Int) {
        answers = ExpiringCache(capacity: capacity)
    }

    func token(for key: SecretHash, now: Date) -> VerifiedAccessToken? {
        answers.value(for: key, now: now)
    }

    func keep(_ token: VerifiedAccessToken, for key: SecretHash, until: Date, now: Date) {
        answers.insert(token, for: key, until: until, now: now)
    }
}
