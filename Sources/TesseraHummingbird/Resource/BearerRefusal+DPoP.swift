import HTTPTypes
import TesseraCore

extension BearerRefusal {
    /// A DPoP proof that does not prove what it must (RFC 9449 §4.3, §7.1): none, two, badly
    /// signed, for another request, stale, replayed, without the token's `ath`, or signed by
    /// another key than the one the token is bound to. 401
    /// `DPoP error="invalid_dpop_proof", error_description="…", algs="…"`: the client's token may
    /// well be good, and a new proof is what it needs.
    public static func invalidDPoPProof(_ description: String, resourceMetadata: String?, dpopAlgorithms: [String]) -> BearerRefusal {
        BearerRefusal(status: .unauthorized, code: .invalidDPoPProof, description: description, scope: nil,
                      resourceMetadata: resourceMetadata, scheme: .dpop, dpopAlgorithms: dpopAlgorithms)
    }

    /// A proof without the nonce this API requires, or with one no longer current (RFC 9449 §9):
    /// 401 `DPoP error="use_dpop_nonce", …` and `DPoP-Nonce: <nonce>`, the one to sign in the retry.
    public static func useDPoPNonce(_ nonce: String, description: String, resourceMetadata: String?,
                                    dpopAlgorithms: [String]) -> BearerRefusal {
        BearerRefusal(status: .unauthorized, code: .useDPoPNonce, description: description, scope: nil,
                      resourceMetadata: resourceMetadata, scheme: .dpop, dpopAlgorithms: dpopAlgorithms, dpopNonce: nonce)
    }
}
