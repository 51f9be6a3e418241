import Crypto
import Foundation
public import HTTPTypes
public import Hummingbird
public import TesseraCore

/// The provider's DPoP check for one request (RFC 9449 §4.3), used by the token endpoint, PAR and
/// /userinfo: the request's one `DPoP` header, checked by the shared ``DPoPProofVerifier`` on the
/// provider's clock, with the provider's nonces and its database replay records.
public struct DPoPProofCheck: Sendable {
    let settings: DPoPSettings
    let nonces: DPoPNonceSource
    let verifier: DPoPProofVerifier
    let clock: WallClock

    init(settings: DPoPSettings, nonceKey: SymmetricKey, replayGuard: any DPoPReplayGuard, clock: WallClock) {
        self.settings = settings
        self.nonces = DPoPNonceSource(key: nonceKey, period: settings.nonceLifetime)
        self.verifier = DPoPProofVerifier(policy: settings.proofPolicy, nonces: settings.requireNonce ? nonces : nil,
                                          replayGuard: replayGuard)
        self.clock = clock
    }

    /// The checked proof of `request`, or nil when it carries no `DPoP` header.
    /// - Parameters:
    ///   - url: the endpoint's public URL, as discovery names it — never built from the `Host`
    ///     header, which the client controls.
    ///   - accessToken: at a resource endpoint, the token whose hash `ath` must be.
    ///   - thumbprint: that token's `cnf.jkt`.
    /// - Throws: `invalid_dpop_proof` for two `DPoP` headers, a proof failing a check, or a replay;
    ///   `use_dpop_nonce` when nonces are required and the proof lacks a current one; the replay
    ///   store's own error when it cannot be reached.
    public func proof(in request: Request, method: HTTPRequest.Method, url: String, accessToken: Secret? = nil,
                      boundTo thumbprint: String? = nil) async throws -> DPoPProof? {
        let values = request.headers[values: .dpop]
        guard let value = values.first else { return nil }
        guard values.count == 1 else {
            throw OAuthError(.invalidDPoPProof, "Send exactly one DPoP header (RFC 9449 §4.3).")
        }
        return try await verifier.verify(value, method: method.rawValue, url: url, accessToken: accessToken, boundTo: thumbprint,
                                         now: Date(timeIntervalSince1970: TimeInterval(clock.now())))
    }

    /// The nonce to send in a `DPoP-Nonce` header, when nonces are required.
    public func currentNonce() -> String? {
        settings.requireNonce ? nonces.current(at: Date(timeIntervalSince1970: TimeInterval(clock.now()))) : nil
    }
}

extension HTTPField.Name {
    /// RFC 9449 §4.1: the header carrying a proof.
    static let dpop = HTTPField.Name("DPoP")!
    /// RFC 9449 §8.1: the header carrying the nonce the next proof must include.
    static let dpopNonce = HTTPField.Name("DPoP-Nonce")!
}
