/// The DPoP proofs the token endpoint has accepted (RFC 9449 §11.1), as every node shares them.
///
/// A proof is single-use: its `jti` may be presented once within the window its `iat` is accepted
/// in. The record lives in the database, not in one process's memory, so that a proof captured in
/// flight and replayed at another node behind the load balancer is refused there too: each
/// acceptance is one insert whose unique key settles, across nodes, who saw the proof first.
public protocol DPoPProofStore: Sendable {
    /// Records a proof by its replay key (a hash of the key's thumbprint and the proof's `jti`)
    /// until `expiresAt`: true for its first use, false when the key is recorded already and has
    /// not expired at `now` (a replay, here or at another node). One statement, so of two
    /// concurrent uses exactly one is first.
    func recordFirstUse(replayKey: String, expiresAt: Int, at now: Int) async throws -> Bool
}
