import Foundation

/// The provider's JWKS, fetched on first use and kept; fetched again only when an id_token names
/// a key the cached set lacks (the provider rotated), and then at most once per cool-down, so a
/// stream of tokens with forged `kid`s costs the provider one request per cool-down, not one each.
/// Callers that arrive while a fetch is running share it, and a caller whose token failed against
/// an older set than the cached one gets the cached one rather than a second refetch.
actor JWKSCache {
    /// A fetched set and its place in the sequence of fetches.
    struct Snapshot: Sendable {
        let keys: JSONWebKeySet
        let generation: Int
    }

    private let cooldown: Duration
    private var cached: (uri: String, snapshot: Snapshot)?
    private var generation = 0
    private var lastRefetchAt: Date?
    private var inFlight: Task<JSONWebKeySet, any Error>?

    init(cooldown: Duration) {
        self.cooldown = cooldown
    }

    /// The cached keys of `uri`, fetching them if there are none yet.
    func keys(uri: String, transport: any HTTPTransport, timeout: Duration) async throws -> Snapshot {
        if let cached, cached.uri == uri { return cached.snapshot }
        return try await fetch(uri: uri, transport: transport, timeout: timeout)
    }

    /// Newer keys than `seen` after an unknown `kid`: a set another caller already fetched, the
    /// fetch in flight, or a new fetch — unless the last such refetch is within the cool-down (`nil`).
    func refetch(uri: String, after seen: Snapshot, transport: any HTTPTransport, timeout: Duration, now: Date) async throws -> Snapshot? {
        if let cached, cached.uri == uri, cached.snapshot.generation > seen.generation { return cached.snapshot }
        if let inFlight { return try await Snapshot(keys: inFlight.value, generation: generation) }
        if let lastRefetchAt, now < lastRefetchAt.adding(cooldown) { return nil }
        // A failed refetch starts the cool-down too: an unreachable JWKS must not be hammered either.
        lastRefetchAt = now
        return try await fetch(uri: uri, transport: transport, timeout: timeout)
    }

    private func fetch(uri: String, transport: any HTTPTransport, timeout: Duration) async throws -> Snapshot {
        if let inFlight { return try await Snapshot(keys: inFlight.value, generation: generation) }
        let task = Task { try await Self.download(uri: uri, transport: transport, timeout: timeout) }
        inFlight = task
        defer { inFlight = nil }
        let keys = try await task.value
        generation += 1
        let snapshot = Snapshot(keys: keys, generation: generation)
        cached = (uri, snapshot)
        return snapshot
    }

    private static func download(uri: String, transport: any HTTPTransport, timeout: Duration) async throws -> JSONWebKeySet {
        guard let url = URL(string: uri) else {
            throw ClientError(.invalidConfiguration, "The jwks_uri is not a URL.", actual: uri)
        }
        let response = try await transport.sendWrappingErrors(
            TransportRequest(method: .get, url: url, headers: [("Accept", "application/json")], timeout: timeout))
        guard response.status == 200 else {
            throw ClientError(.malformedResponse, "The JWKS could not be fetched.", status: response.status)
        }
        return try JSONWebKeySet(json: response.body)
    }
}
