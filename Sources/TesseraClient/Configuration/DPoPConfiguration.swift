public import TesseraCore

/// Whether and with which key the client proves possession of its tokens (DPoP, RFC 9449).
///
/// With DPoP on, every token request carries a `DPoP` proof signed by the client's key; a provider
/// that supports DPoP then binds the access token (and a public client's refresh token) to that
/// key (`token_type: DPoP`, `cnf.jkt`), so a token that leaks — from a log, a proxy, a stolen
/// database row — is useless without the private key, which never leaves this process.
///
/// A key made for you (``es256``, ``edDSA``, ``rs256``) lives as long as the ``OIDCClient``: after a
/// restart, tokens bound to it can no longer be used or refreshed. To keep them across restarts,
/// persist the key (``OIDCClient/dpopKey``, the key in use either way, has an `exported` form)
/// and inject it with ``key(_:)``.
///
/// ```swift
/// var configuration = ClientConfiguration(clientID: id, clientSecret: nil, redirectURI: redirectURI)
/// configuration.dpop = .es256                            // a fresh P-256 key per OIDCClient
/// configuration.dpop = .key(try loadPersistedDPoPKey())  // or the app's own, kept across restarts
/// ```
///
/// A value resolved once, when the ``OIDCClient`` is made, rather than a key generated here, so a
/// `ClientConfiguration` stays a plain, copyable description: two clients made from one
/// configuration with `.es256` hold two different keys, and nothing is generated until a client
/// is actually made.
public struct DPoPConfiguration: Sendable {
    enum Source: Sendable {
        case generate(DPoPAlgorithm)
        case key(DPoPKey)
    }

    let source: Source

    /// A new ECDSA P-256 key (`ES256`) for each client: small proofs, fast signatures, and the
    /// algorithm every DPoP server supports. The usual choice.
    public static var es256: Self { .init(source: .generate(.es256)) }
    /// A new Ed25519 key (`EdDSA`) for each client.
    public static var edDSA: Self { .init(source: .generate(.edDSA)) }
    /// A new 2048-bit RSA key (`RS256`) for each client: only for a server that accepts nothing else.
    public static var rs256: Self { .init(source: .generate(.rs256)) }

    /// This key, made and kept by the app (for instance loaded from its secret store), so tokens
    /// bound to it survive a restart.
    public static func key(_ key: DPoPKey) -> Self { .init(source: .key(key)) }

    /// The key a client made from this configuration holds.
    func resolve() -> DPoPKey {
        switch source {
        case .generate(let algorithm): DPoPKey.generate(algorithm)
        case .key(let key): key
        }
    }
}
