public import Foundation

/// The stateless checks of a DPoP proof (RFC 9449 §4.3), shared by the token endpoint, /userinfo
/// and resource servers: everything but the nonce and the replay record, which need state the
/// caller owns.
///
/// ```swift
/// let proof = try DPoPProofValidator.validate(header, method: "GET", url: "https://api.example/orders",
///                                             accessToken: token, boundTo: verified.confirmationThumbprint,
///                                             now: Date())
/// ```
public enum DPoPProofValidator {
    /// A proof longer than this is refused unread: an RSA-4096 proof is under 2 KB.
    static let maximumLength = 8192
    /// A `jti` longer than this is refused: 96 bits of randomness need 16 characters.
    static let maximumJTILength = 256

    /// Checks `proof` (the `DPoP` header's value) for a request of `method` to `url`.
    /// - Parameters:
    ///   - accessToken: the token sent with the proof, whose hash its `ath` must carry (§4.3 step 12).
    ///   - thumbprint: the `cnf.jkt` of that token, which the signing key must match.
    /// - Throws: `invalid_dpop_proof` naming the first check that failed.
    public static func validate(_ proof: String, method: String, url: String, accessToken: Secret? = nil,
                                boundTo thumbprint: String? = nil, now: Date,
                                policy: DPoPProofPolicy = DPoPProofPolicy()) throws(OAuthError) -> DPoPProof {
        guard proof.utf8.count <= maximumLength else { throw refusal("The DPoP proof is too long.") }
        let parts = proof.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let signature = Base64URL.decode(String(parts[2])) else {
            throw refusal("The DPoP header is not a compact JWS (three base64url parts).")
        }
        let header = try object(String(parts[0]), "header")
        let claims = try object(String(parts[1]), "claims")

        guard header["typ"]?.string?.lowercased() == DPoPProof.type else {
            throw refusal("The DPoP proof's typ must be '\(DPoPProof.type)'.")
        }
        guard let name = header["alg"]?.string, let algorithm = DPoPAlgorithm(rawValue: name),
              policy.algorithms.contains(algorithm) else {
            let accepted = DPoPAlgorithm.allCases.filter(policy.algorithms.contains).map(\.rawValue)
            throw refusal("The DPoP proof's alg must be one of \(accepted.joined(separator: ", ")).")
        }
        guard let jwk = header["jwk"]?.object else { throw refusal("The DPoP proof has no jwk header.") }
        let key = try DPoPPublicKey(jwk: jwk)
        guard key.accepts(algorithm) else { throw refusal("The DPoP proof's jwk is not a key for \(name).") }
        let signingInput = Array(proof.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        guard key.isValidSignature(signature, of: signingInput, algorithm: algorithm) else {
            throw refusal("The DPoP proof's signature does not verify with its jwk.")
        }

        guard let jti = claims["jti"]?.string, !jti.isEmpty, jti.utf8.count <= maximumJTILength else {
            throw refusal("The DPoP proof needs a jti of at most \(maximumJTILength) characters.")
        }
        guard claims["htm"]?.string == method else {
            throw refusal("The DPoP proof's htm does not match this request's method \(method).")
        }
        guard let htu = claims["htu"]?.string, let target = DPoPTargetURI.normalized(htu),
              target == DPoPTargetURI.normalized(url) else {
            throw refusal("The DPoP proof's htu does not match this request's URL.")
        }
        guard let seconds = claims["iat"]?.number, seconds.isFinite else {
            throw refusal("The DPoP proof has no numeric iat.")
        }
        let issuedAt = Date(timeIntervalSince1970: seconds)
        guard issuedAt <= now.addingTimeInterval(policy.clockSkew.seconds) else {
            throw refusal("The DPoP proof's iat is in the future; check the client's clock.")
        }
        guard issuedAt >= now.addingTimeInterval(-policy.maximumAge.seconds) else {
            throw refusal("The DPoP proof is stale: its iat is more than \(Int(policy.maximumAge.seconds)) s old.")
        }
        if let accessToken {
            guard let ath = claims["ath"]?.string else {
                throw refusal("The DPoP proof has no ath; a proof sent with an access token must carry its hash.")
            }
            guard ConstantTime.equals(ath, DPoPProof.ath(of: accessToken)) else {
                throw refusal("The DPoP proof's ath is not the hash of the access token sent with it.")
            }
        }
        if let thumbprint, key.thumbprint != thumbprint {
            throw refusal("The DPoP proof is signed by another key than the one the access token is bound to.")
        }
        let nonce: String?
        switch claims["nonce"] {
        case nil: nonce = nil
        case .string(let text)?: nonce = text
        default: throw refusal("The DPoP proof's nonce must be a string.")
        }
        return DPoPProof(publicKey: key, jti: jti, issuedAt: issuedAt, nonce: nonce)
    }

    /// A JSON object from one base64url part, refusing a repeated member (RFC 7515 §4: a parser
    /// that kept either copy could be made to check one value and use the other).
    private static func object(_ part: String, _ name: String) throws(OAuthError) -> [String: JSONValue] {
        guard let bytes = Base64URL.decode(part),
              JSONKeyScanner.firstRepeatedTopLevelKey(in: bytes) == nil,
              let value = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)), let object = value.object else {
            throw refusal("The DPoP proof's \(name) is not a JSON object.")
        }
        return object
    }

    private static func refusal(_ description: String) -> OAuthError {
        OAuthError(.invalidDPoPProof, description)
    }
}

extension Duration {
    /// The duration in seconds, fractional.
    var seconds: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
