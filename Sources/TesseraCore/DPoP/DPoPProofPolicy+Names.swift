extension DPoPProofPolicy {
    /// The names of the accepted algorithms, in ``DPoPAlgorithm``'s order: what discovery
    /// advertises as `dpop_signing_alg_values_supported` (RFC 9449 §5.1) and a resource's
    /// `WWW-Authenticate: DPoP` challenge as `algs` (§7.1), so neither names one that is refused.
    public var algorithmNames: [String] {
        DPoPAlgorithm.allCases.filter(algorithms.contains).map(\.rawValue)
    }
}
