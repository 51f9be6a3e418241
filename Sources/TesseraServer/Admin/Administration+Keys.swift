extension Administration {
    /// The published signing keys, current first within each algorithm, then next, then retired
    /// (`tessera keys list`, `GET /api/v2/keys/signing`).
    public func signingKeys() async throws -> [SigningKeyInfo] {
        let order: [SigningKeyInfo.State: Int] = [.current: 0, .next: 1, .retired: 2]
        return try await keyRing.publishedKeys(now: clock.now()).map(SigningKeyInfo.init)
            .sorted { ($0.algorithm, order[$0.state] ?? 3, -$0.createdAt) < ($1.algorithm, order[$1.state] ?? 3, -$1.createdAt) }
    }
}
