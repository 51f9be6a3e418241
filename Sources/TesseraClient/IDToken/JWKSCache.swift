import Foundation

/// The provider's JWKS, fetched on first use and kept until it expires; fetched again sooner only
/// when an id_token names a key the cached set lacks (the provider rotated), and then at most once
/// per cool-down, so a stream of tokens with forged `kid`s costs the provider one request per
/// cool-down, not one each. Callers that arrive while a fetch is running share it, and a caller
/// whose token failed against an older set than the cached one gets the cached one rather than a
/// second refetch.
///
/// A set expires after the response's `Cache-Control: max-age` (capped at 24 h), or after
/// 10 minutes when the provider says nothing: a key the provider withdrew (compromised, or
/// rotated out) stops being trusted within that time rather than for the life of the process.
actor JWKSCache {
    /// A fetched set and its place in the sequence of fetches.
    struct Snapshot: Sendable {
        let keys: JSONWebKeySet
        let generation: Int
    }

    /// How long a set is kept when its response has no `max-age`.
    static let defaultMaxAge: Duration = .seconds(10 * 60)
    /// The longest a set is kept, whatever its response says.
    static let maximumMaxAge: Duration = .seconds(24 * 3600)

    private let cooldown: Duration
    private var cached: (uri: String, snapshot: Snapshot, expiresAt: Date)?
    private var generation = 0
    private var lastRefetchAt: Date?
    private var inFlight: Task<(keys: JSONWebKeySet, maxAge: Duration), any Error>?

    init(cooldown: Duration) {
        self.cooldown = cooldown
    }

    /// The cached keys of `uri`, fetching them if there are none yet or they have expired.
    func keys(uri: String, transport: any HTTPTransport, timeout: Duration, now: Date) async throws -> Snapshot {
        if let cached, cached.uri == uri, now < cached.expiresAt { return cached.snapshot }
        return try await fetch(uri: uri, transport: transport, timeout: timeout, now: now)
    }

    /// Newer keys than `seen` after an unknown `kid`: a set another caller already fetched, the
    /// fetch in flight, or a new fetch — unless the last such refetch is within the cool-down (`nil`).
    func refetch(uri: String, after seen: Snapshot, transport: any HTTPTransport, timeout: Duration, now: Date) async throws -> Snapshot? {
        if let cached, cached.uri == uri, cached.snapshot.generation > seen.generation { return cached.snapshot }
        if let inFlight { return try await Snapshot(keys: inFlight.value.keys, generation: generation) }
        if let lastRefetchAt, now < lastRefetchAt.adding(cooldown) { return nil }
        // A failed refetch starts the cool-down too: an unreachable JWKS must not be hammered either.
        lastRefetchAt = now
        return try await fetch(uri: uri, transport: transport, timeout: timeout, now: now)
    }

    /// Runs `validate` with the cached keys of `uri` and, when it finds no key for the token
    /// (`.keyNotFound`), once more with a refetched set — at most once per cool-down: the provider
    /// may have rotated to a key published after our fetch. `refetched` hears of the second try.
    nonisolated func withKeys<Result: Sendable>(
        uri: String, transport: any HTTPTransport, timeout: Duration, now: () -> Date,
        refetched: (JSONWebKeySet) -> Void = { _ in },
        _ validate: (JSONWebKeySet) async throws -> Result
    ) async throws -> Result {
        let keys = try await self.keys(uri: uri, transport: transport, timeout: timeout, now: now())
        do {
            return try await validate(keys.keys)
        } catch let error as ClientError where error.code == .keyNotFound {
            guard let fresh = try await refetch(uri: uri, after: keys, transport: transport, timeout: timeout, now: now()) else {
                throw error
            }
            refetched(fresh.keys)
            return try await validate(fresh.keys)
        }
    }

    private func fetch(uri: String, transport: any HTTPTransport, timeout: Duration, now: Date) async throws -> Snapshot {
        if let inFlight { return try await Snapshot(keys: inFlight.value.keys, generation: generation) }
        let task = Task { try await Self.download(uri: uri, transport: transport, timeout: timeout) }
        inFlight = task
        defer { inFlight = nil }
        let (keys, maxAge) = try await task.value
        generation += 1
        let snapshot = Snapshot(keys: keys, generation: generation)
        cached = (uri, snapshot, now.adding(maxAge))
        return snapshot
    }

    /// How long a response may be kept: its `max-age` within 0…24 h, else the default.
    static func maxAge(cacheControl: String?) -> Duration {
        let directives = (cacheControl ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let maxAge = directives.lazy.compactMap({ $0.hasPrefix("max-age=") ? Int($0.dropFirst(8)) : nil }).first, maxAge >= 0 else {
            return defaultMaxAge
        }
        return min(.seconds(maxAge), maximumMaxAge)
    }

    private static func download(uri: String, transport: any HTTPTransport, timeout: Duration) async throws -> (keys: JSONWebKeySet, maxAge: Duration) {
        guard let url = URL(string: uri) else {
            throw ClientError(.invalidConfiguration, "The jwks_uri is not a URL.", actual: uri)
        }
        let response = try await transport.sendWrappingErrors(
            TransportRequest(method: .get, url: url, headers: [("Accept", "application/json")], timeout: timeout))
        guard response.status == 200 else {
            throw ClientError(.malformedResponse, "The JWKS could not be fetched.", status: response.status)
        }
        return (try JSONWebKeySet(json: response.body), maxAge(cacheControl: response.header("Cache-Control")))
    }
}
