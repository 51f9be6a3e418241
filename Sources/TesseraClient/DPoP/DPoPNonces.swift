import Foundation

/// The latest `DPoP-Nonce` each server handed out (RFC 9449 §8.2, §9), by origin.
///
/// A server that requires nonces refuses a proof without its current one; remembering the nonce
/// from its last response — a 200 may carry a fresh one as well as a `use_dpop_nonce` refusal —
/// lets the next proof carry it, so only the first request to a server (or the first after a
/// rotation) pays for a retry. Nonces are per server: the provider's and an API's are unrelated
/// and never sent to each other. Shared by copies of an ``OIDCClient``, hence an actor; bounded,
/// so a client calling many origins cannot grow it without end.
actor DPoPNonces {
    private var nonces: [String: String] = [:]
    private let capacity: Int

    init(capacity: Int = 1_024) {
        self.capacity = capacity
    }

    /// The last nonce `origin` sent, if any.
    func nonce(for origin: String) -> String? { nonces[origin] }

    /// Keeps `nonce` as the one to send `origin` next.
    func remember(_ nonce: String, for origin: String) {
        if nonces[origin] == nil, nonces.count >= capacity, let any = nonces.keys.first {
            nonces[any] = nil
        }
        nonces[origin] = nonce
    }

    /// `scheme://host[:port]` of `url`, lower-cased: the server a nonce belongs to.
    nonisolated static func origin(of url: URL) -> String {
        let scheme = url.scheme?.lowercased() ?? ""
        return scheme + "://" + (url.host?.lowercased() ?? "") + (url.port.map { ":\($0)" } ?? "")
    }
}
