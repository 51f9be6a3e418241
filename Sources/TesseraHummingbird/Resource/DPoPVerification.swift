public import Foundation
public import TesseraCore

/// How ``BearerTokenMiddleware`` checks DPoP proofs (RFC 9449 §7.1): where the API is reached,
/// how replays are remembered, and the clock. The defaults fit an API that runs on one node at the
/// URL its ``ProtectedResourceMetadata/resource`` names.
///
/// **The public URL.** A proof signs the URL the client called (`htu`), which the API must
/// rebuild to compare. It does so from ``publicBaseURL``, or else the metadata's `resource`
/// origin, plus the request's path — never from the request's `Host` header: a client chooses
/// that header, so an attacker who captured a proof for `https://api.example/orders` could send
/// it to another deployment with `Host: api.example` and have it match. Behind a proxy that
/// strips a path prefix, name the prefix: `publicBaseURL: "https://example.com/api"`.
///
/// **Replays.** A proof is accepted once (its `jti`, keyed with its key, is remembered until its
/// `iat` leaves the accepted window). The default ``MemoryDPoPReplayGuard`` is per node: behind a
/// load balancer, a proof captured on its way to one node could be replayed once at another within
/// the window (about a minute). Inject a guard backed by a store the nodes share to close that.
///
/// ```swift
/// BearerTokenMiddleware(verifier: validator, metadata: metadata,
///                       dpop: DPoPVerification(publicBaseURL: "https://example.com/api", replayGuard: sharedGuard))
/// ```
public struct DPoPVerification: Sendable {
    /// The scheme, host, port and path prefix clients reach the API at; `nil` takes the
    /// metadata's `resource` origin.
    public var publicBaseURL: String?
    /// Remembers proofs already used.
    public var replayGuard: any DPoPReplayGuard
    /// The `iat` window and clock skew a proof must fall in.
    public var proofPolicy: DPoPProofPolicy
    /// When set, every proof must carry a nonce this source accepts (RFC 9449 §9): a proof made
    /// in advance — by malware that held the key for a moment — dies with the nonce's period. A
    /// proof without a current one is answered `use_dpop_nonce` with a `DPoP-Nonce` header, and a
    /// client retries once. Nodes sharing the source's key agree, with no storage.
    public var nonces: DPoPNonceSource?
    /// The clock the `iat` window and the nonces are read against; injected so tests need not sleep.
    public var now: @Sendable () -> Date

    public init(publicBaseURL: String? = nil, replayGuard: any DPoPReplayGuard = MemoryDPoPReplayGuard(),
                proofPolicy: DPoPProofPolicy = DPoPProofPolicy(), nonces: DPoPNonceSource? = nil,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.publicBaseURL = publicBaseURL
        self.replayGuard = replayGuard
        self.proofPolicy = proofPolicy
        self.nonces = nonces
        self.now = now
    }

    /// The base `htu` is built on: `publicBaseURL` or the `resource`'s origin, without a
    /// trailing `/`; nil when neither is an absolute http(s) URL with a host (DPoP is then off).
    func baseURL(resource: String?) -> String? {
        guard let url = publicBaseURL ?? resource, var components = URLComponents(string: url), Self.isWeb(components) else { return nil }
        if publicBaseURL == nil || components.path == "/" { components.path = "" }
        components.query = nil
        components.fragment = nil
        components.user = nil
        components.password = nil
        guard let base = components.string else { return nil }
        return base.hasSuffix("/") ? String(base.dropLast()) : base
    }

    private static func isWeb(_ components: URLComponents) -> Bool {
        ["http", "https"].contains(components.scheme?.lowercased()) && !(components.host ?? "").isEmpty
    }
}
