import Foundation
import TesseraCore

/// The provider's replay records of DPoP proofs (RFC 9449 §11.1), in the database every node
/// shares (``DPoPProofStore``, the `dpop_proofs` table).
///
/// Why the database and not memory: behind a load balancer, a proof captured in flight could be
/// replayed at a node other than the one that accepted it, and a per-process record
/// (``MemoryDPoPReplayGuard``) would never see it. Here the first insert of a proof's replay key,
/// on whichever node, wins; every later one, on any node, is refused. A record is kept only for
/// the proof's acceptance window (``DPoPProofPolicy/replayRecordLifetime``) and then removed by the
/// expired-row collection, so the table holds at most one window's worth of proofs.
///
/// The cost is one single-statement insert per token request that carries a proof.
struct DatabaseDPoPReplayGuard: DPoPReplayGuard {
    let proofs: any DPoPProofStore
    let clock: WallClock

    func firstUse(of proof: DPoPProof, keptUntil: Date) async throws -> Bool {
        try await proofs.recordFirstUse(replayKey: proof.replayKey, expiresAt: Int(keptUntil.timeIntervalSince1970.rounded(.up)),
                                        at: clock.now())
    }
}
