import Foundation
import HTTPTypes
import Logging
import TesseraCore

/// The resource server's check of one request's DPoP proof (RFC 9449 §7.1, with §4.3's steps):
/// the pure checks of ``DPoPProofValidator`` against this request's method and public URL, the
/// token's `ath` and `cnf.jkt`, then the replay guard. Built once per middleware.
struct ResourceProofCheck: Sendable {
    /// Where clients reach the API, without a trailing `/`: `htu` is this plus the request's path.
    let baseURL: String
    let settings: DPoPVerification
    let policy: DPoPProofPolicy
    /// The `algs` of the challenges, in the metadata's order.
    let algorithmNames: [String]

    /// Nil when the API cannot do DPoP: no public URL to compare `htu` with, or no algorithm
    /// this library verifies among those the metadata lists.
    init?(settings: DPoPVerification, resource: String?, algorithms: [String]) {
        let supported = algorithms.compactMap { DPoPAlgorithm(rawValue: $0) }
        guard let baseURL = settings.baseURL(resource: resource), !supported.isEmpty else { return nil }
        self.baseURL = baseURL
        self.settings = settings
        var policy = settings.proofPolicy
        policy.algorithms = Set(supported)
        self.policy = policy
        self.algorithmNames = supported.map(\.rawValue)
    }

    /// The request's one proof: none, or two (which one a proxy would pass on is not defined),
    /// is `invalid_dpop_proof` (§4.3 step 1).
    func single(_ proofs: [String], resourceMetadata: String?, logger: Logger) throws(BearerRefusal) -> String {
        guard proofs.count == 1, let proof = proofs.first else {
            let description = proofs.isEmpty
                ? "An Authorization: DPoP token needs a DPoP header with a proof signed by its key (RFC 9449 section 7.1)."
                : "The request has more than one DPoP header; send exactly one proof (RFC 9449 section 4.3)."
            throw refusal(description, resourceMetadata: resourceMetadata, logger: logger)
        }
        return proof
    }

    /// Every check of the proof, then the nonce when the API requires one, the replay guard last:
    /// it records only proofs that passed every other check, so a flood of junk cannot fill it.
    func verify(_ proof: String, method: HTTPRequest.Method, path: String, accessToken: Secret, boundTo thumbprint: String,
                resourceMetadata: String?, logger: Logger) async throws(BearerRefusal) {
        let now = settings.now()
        let checked: DPoPProof
        do {
            checked = try DPoPProofValidator.validate(proof, method: method.rawValue, url: baseURL + path, accessToken: accessToken,
                                                      boundTo: thumbprint, now: now, policy: policy)
        } catch {
            throw refusal(error.description ?? "The DPoP proof is not valid.", resourceMetadata: resourceMetadata, logger: logger)
        }
        if let nonces = settings.nonces, !(checked.nonce.map { nonces.accepts($0, at: now) } ?? false) {
            let description = checked.nonce == nil
                ? "This API requires a nonce in DPoP proofs: sign the one in the DPoP-Nonce header (RFC 9449 section 9)."
                : "The DPoP proof's nonce is not current: sign the one in the DPoP-Nonce header (RFC 9449 section 9)."
            logger.debug("DPoP proof refused", metadata: ["error.description": "\(description)"])
            throw .useDPoPNonce(nonces.current(at: now), description: description, resourceMetadata: resourceMetadata,
                                dpopAlgorithms: algorithmNames)
        }
        let firstUse: Bool
        do {
            firstUse = try await settings.replayGuard.firstUse(of: checked, keptUntil: keptUntil(checked))
        } catch {
            logger.warning("DPoP proof could not be checked: replay guard unavailable", metadata: ["error.type": "\(type(of: error))"])
            throw BearerRefusal.authorizationServerUnavailable
        }
        guard firstUse else {
            throw refusal("The DPoP proof was used before; sign a new proof for each request (RFC 9449 section 11.1).",
                          resourceMetadata: resourceMetadata, logger: logger)
        }
    }

    /// Until the proof's `iat` leaves the accepted window: after that it is refused as stale.
    private func keptUntil(_ proof: DPoPProof) -> Date {
        let lifetime = policy.replayRecordLifetime.components
        return proof.issuedAt.addingTimeInterval(TimeInterval(lifetime.seconds) + TimeInterval(lifetime.attoseconds) / 1e18)
    }

    private func refusal(_ description: String, resourceMetadata: String?, logger: Logger) -> BearerRefusal {
        logger.debug("DPoP proof refused", metadata: ["error.description": "\(description)"])
        return .invalidDPoPProof(description, resourceMetadata: resourceMetadata, dpopAlgorithms: algorithmNames)
    }
}
