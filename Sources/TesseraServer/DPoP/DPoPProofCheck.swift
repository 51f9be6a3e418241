import Crypto
import Foundation
public import HTTPTypes
public import Hummingbird
public import TesseraCore

/// The provider's DPoP check for one request (RFC 9449 §4.3), used by the token endpoint and
/// /userinfo: the stateless checks of ``DPoPProofValidator``, then the server nonce, then the
/// replay record — in that order, so a proof refused for its nonce is not recorded and its retry
/// (a new proof anyway) is not mistaken for a replay.
public struct DPoPProofCheck: Sendable {
    let settings: DPoPSettings
    let nonces: DPoPNonceSource
    let replayGuard: any DPoPReplayGuard
    let clock: WallClock

    init(settings: DPoPSettings, nonceKey: SymmetricKey, replayGuard: any DPoPReplayGuard, clock: WallClock) {
        self.settings = settings
        self.nonces = DPoPNonceSource(key: nonceKey, period: settings.nonceLifetime)
        self.replayGuard = replayGuard
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
        let now = Date(timeIntervalSince1970: TimeInterval(clock.now()))
        let proof = try DPoPProofValidator.validate(value, method: method.rawValue, url: url, accessToken: accessToken,
                                                    boundTo: thumbprint, now: now, policy: settings.proofPolicy)
        if settings.requireNonce {
            guard let nonce = proof.nonce else {
                throw OAuthError(.useDPoPNonce, "This server requires a nonce in DPoP proofs: use the one in the DPoP-Nonce header.")
            }
            guard nonces.accepts(nonce, at: now) else {
                throw OAuthError(.useDPoPNonce, "The DPoP proof's nonce is not current: use the one in the DPoP-Nonce header.")
            }
        }
        let keptUntil = proof.issuedAt.addingTimeInterval(TimeInterval(settings.proofPolicy.replayRecordLifetime.components.seconds))
        guard try await replayGuard.firstUse(of: proof, keptUntil: keptUntil) else {
            throw OAuthError(.invalidDPoPProof, "This DPoP proof was already used: make a new proof, with a new jti, for every request.")
        }
        return proof
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
