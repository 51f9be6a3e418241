/// How strict a server is about proofs it has no state for: how old a proof may be, how far in
/// the future its clock may run, and which algorithms it takes.
public struct DPoPProofPolicy: Sendable {
    /// A proof whose `iat` is older than this is refused (RFC 9449 §11.1): the window in which a
    /// captured proof could be replayed, and so how long replay records must be kept. 60 s, as
    /// Auth0 and Keycloak allow for a client's request to arrive.
    public var maximumAge: Duration = .seconds(60)
    /// How far a client's clock may be ahead of ours: 5 s.
    public var clockSkew: Duration = .seconds(5)
    /// The algorithms accepted, all of ``DPoPAlgorithm`` by default.
    public var algorithms: Set<DPoPAlgorithm> = Set(DPoPAlgorithm.allCases)

    public init() {}

    /// How long after its `iat` a proof's replay record must be kept: after that the proof is
    /// refused as stale anyway, so forgetting it opens no replay.
    public var replayRecordLifetime: Duration { maximumAge + clockSkew }
}
