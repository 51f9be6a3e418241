/// Whether, and for whom, `POST /oauth/register` (RFC 7591 Dynamic Client Registration) takes
/// registrations: `tessera serve --registration off|open|token`.
public enum RegistrationMode: String, Sendable, CaseIterable {
    /// The default: no registration endpoint, and discovery names none. Only an administrator
    /// adds clients (`tessera clients add`).
    case off
    /// Anyone who can reach the provider may register a (third-party) client, as MCP clients
    /// expect of an open authorization server.
    case open
    /// A registration must carry an initial access token (RFC 7591 §3) made by
    /// `tessera registration token create`.
    case token
}

/// How dynamic client registration behaves (see ``RegistrationMode``).
public struct RegistrationPolicy: Sendable {
    public var mode: RegistrationMode = .off
    /// Registrations one client address may make per minute before it is answered 429: enough for
    /// a person trying a client a few times, too few to fill the clients table.
    public var perAddressPerMinute: Int = 10
    /// The most addresses counted at once; beyond that, new addresses share one overflow count
    /// (``RegistrationThrottle``), so a flood of addresses cannot grow memory without bound.
    public var trackedAddresses: Int = 10_000

    public init() {}
}
