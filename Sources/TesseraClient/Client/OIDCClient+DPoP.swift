import Foundation
import Logging
public import TesseraCore

extension OIDCClient {
    /// This client holding `key` for its DPoP proofs instead of its own: the same provider,
    /// configuration, caches and nonces, another key. For an app that binds each user's tokens to
    /// a key of their own (as TesseraHummingbird's login does per session), so one leaked key
    /// exposes one session, not all of them.
    ///
    /// ```swift
    /// let sessionClient = client.withDPoPKey(session.dpopKey)
    /// session.tokens = try await sessionClient.validTokens(session.tokens)
    /// ```
    public func withDPoPKey(_ key: DPoPKey?) -> OIDCClient {
        var client = self
        client.dpopKey = key
        return client
    }

    /// `parameters` plus, with a DPoP key, `dpop_jkt` (RFC 9449 §10): the authorization code is then
    /// bound to the key before it exists, so a code stolen from the redirect is worthless without
    /// the key, even to a thief who has the client's secret. Providers that do not know the
    /// parameter ignore it (RFC 6749 §3.1). A `dpop_jkt` the app passed itself is kept.
    func bindingCode(_ parameters: [(name: String, value: String)]) -> [(name: String, value: String)] {
        guard let dpopKey, !parameters.contains(where: { $0.name == "dpop_jkt" }) else { return parameters }
        return parameters + [(name: "dpop_jkt", value: dpopKey.thumbprint)]
    }

    /// Sends a POST to the token endpoint; with a DPoP key, with a proof for it (RFC 9449 §5) and,
    /// when the provider answers `400 use_dpop_nonce` with a `DPoP-Nonce`, once more with a new
    /// proof carrying that nonce (§8). Never a third time: a provider that refuses its own fresh
    /// nonce is answered with its refusal, not a loop.
    func sendTokenRequest(_ request: TransportRequest, operation: String) async throws -> TransportResponse {
        guard let key = dpopKey else { return try await send(request, operation: operation) }
        return try await send(request, proving: key, accessToken: nil, operation: operation) { response in
            response.status == 400 && (try? JSONDecoder().decode(OAuthError.self, from: Data(response.body)))?.code == .useDPoPNonce
        }
    }

    /// Sends `request` to a protected resource with `accessToken`: as `Bearer`, or, bound to
    /// `key`, as `DPoP` with a proof whose `ath` is the token's hash (RFC 9449 §7.1), retried once
    /// with the server's nonce when it answers `401` with `WWW-Authenticate: DPoP
    /// error="use_dpop_nonce"` (§9).
    func send(_ request: TransportRequest, accessToken: Secret, boundTo key: DPoPKey?, operation: String) async throws -> TransportResponse {
        guard let key else {
            var request = request
            request.authorization = Secret("Bearer " + accessToken.unredacted)
            return try await send(request, operation: operation)
        }
        var request = request
        request.authorization = Secret("DPoP " + accessToken.unredacted)
        return try await send(request, proving: key, accessToken: accessToken, operation: operation) { response in
            response.status == 401 && Self.asksForNonce(response.header("WWW-Authenticate"))
        }
    }

    /// The key to present `tokens` with: `nil` for bearer tokens, this client's key for tokens
    /// bound to it. Tokens bound to a key this client does not hold fail here, with a reason,
    /// rather than as an opaque `invalid_dpop_proof` from the server.
    func dpopKey(for tokens: TokenSet) throws(ClientError) -> DPoPKey? {
        guard tokens.isDPoPBound else { return nil }
        guard let key = dpopKey else {
            throw ClientError(.invalidConfiguration,
                              "These tokens are DPoP-bound (token_type DPoP), but this client holds no DPoP key: configure the key they are bound to.")
        }
        if let bound = tokens.dpopKeyThumbprint, bound != key.thumbprint {
            throw ClientError(.invalidConfiguration, "These tokens are bound to another DPoP key than this client's.",
                              expected: bound, actual: key.thumbprint)
        }
        return key
    }

    /// One request with a fresh proof, and at most one retry when `isNonceRefusal` says the
    /// server wants a nonce it has just sent. Every `DPoP-Nonce` a response carries is kept for
    /// the next request to the same origin.
    private func send(_ request: TransportRequest, proving key: DPoPKey, accessToken: Secret?, operation: String,
                      isNonceRefusal: (TransportResponse) -> Bool) async throws -> TransportResponse {
        let origin = DPoPNonces.origin(of: request.url)
        var nonce = await dpopNonces.nonce(for: origin)
        var retried = false
        while true {
            var attempt = request
            attempt.headers.append((name: "DPoP", value: try proof(key, for: request, accessToken: accessToken, nonce: nonce)))
            let response = try await send(attempt, operation: operation)
            let offered = response.header("DPoP-Nonce")
            if let offered { await dpopNonces.remember(offered, for: origin) }
            guard !retried, let offered, isNonceRefusal(response) else { return response }
            logger.debug("oidc \(operation) retried with the server's DPoP nonce", metadata: ["url": "\(request.url.absoluteString)"])
            nonce = offered
            retried = true
        }
    }

    /// A proof for `request`: its method, and its URL without query or fragment (RFC 9449 §4.2
    /// `htu`), made now on the client's clock.
    func proof(_ key: DPoPKey, for request: TransportRequest, accessToken: Secret?, nonce: String?) throws -> String {
        try key.proof(method: request.method.rawValue, url: Self.targetURI(request.url), accessToken: accessToken,
                      nonce: nonce, issuedAt: now())
    }

    /// `url` without its query and fragment: what a proof's `htu` names.
    static func targetURI(_ url: URL) -> String {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return url.absoluteString }
        components.query = nil
        components.fragment = nil
        return components.string ?? url.absoluteString
    }

    /// Whether a `WWW-Authenticate` header holds a `DPoP` challenge with `error="use_dpop_nonce"`.
    static func asksForNonce(_ header: String?) -> Bool {
        AuthenticationChallenge.parse(header ?? "").contains {
            $0.scheme == "dpop" && $0.parameters["error"] == OAuthError.Code.useDPoPNonce.rawValue
        }
    }
}
