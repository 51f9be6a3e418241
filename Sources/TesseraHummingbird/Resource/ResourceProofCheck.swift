import Foundation
import HTTPTypes
import Logging
import TesseraCore

/// The resource server's check of one request's DPoP proof (RFC 9449 §7.1, with §4.3's steps):
/// the shared ``DPoPProofVerifier`` against this request's method and public URL, the token's
/// `ath` and `cnf.jkt`, its refusals turned into challenges. Built once per middleware.
struct ResourceProofCheck: Sendable {
    /// Where clients reach the API, without a trailing `/`: `htu` is this plus the request's path.
    let baseURL: String
    let settings: DPoPVerification
    let verifier: DPoPProofVerifier
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
        self.verifier = DPoPProofVerifier(policy: policy, nonces: settings.nonces, replayGuard: settings.replayGuard)
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

    /// Every check of the proof (``DPoPProofVerifier``): a client's fault is a challenge, a replay
    /// guard that cannot answer is 503 — the client is not at fault.
    func verify(_ proof: String, method: HTTPRequest.Method, path: String, accessToken: Secret, boundTo thumbprint: String,
                resourceMetadata: String?, logger: Logger) async throws(BearerRefusal) {
        let now = settings.now()
        do {
            _ = try await verifier.verify(proof, method: method.rawValue, url: baseURL + path, accessToken: accessToken,
                                          boundTo: thumbprint, now: now)
        } catch let error as OAuthError {
            let description = error.description ?? "The DPoP proof is not valid."
            guard error.code == .useDPoPNonce, let nonces = settings.nonces else {
                throw refusal(description, resourceMetadata: resourceMetadata, logger: logger)
            }
            logger.debug("DPoP proof refused", metadata: ["error.description": "\(description)"])
            throw .useDPoPNonce(nonces.current(at: now), description: description, resourceMetadata: resourceMetadata,
                                dpopAlgorithms: algorithmNames)
        } catch {
            logger.warning("DPoP proof could not be checked: replay guard unavailable", metadata: ["error.type": "\(type(of: error))"])
            throw BearerRefusal.authorizationServerUnavailable
        }
    }

    private func refusal(_ description: String, resourceMetadata: String?, logger: Logger) -> BearerRefusal {
        logger.debug("DPoP proof refused", metadata: ["error.description": "\(description)"])
        return .invalidDPoPProof(description, resourceMetadata: resourceMetadata, dpopAlgorithms: algorithmNames)
    }
}
