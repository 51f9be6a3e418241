/// What `tessera clients update` changes on a registered client. A nil field is left as it is, so
/// one command can change one setting without restating the others; all the changes given are
/// written together or not at all.
public struct ClientUpdate: Sendable, Equatable {
    /// OpenID Connect Back-Channel Logout 1.0: where logout tokens go, or nowhere.
    public enum BackchannelLogout: Sendable, Equatable {
        case on(uri: String, sessionRequired: Bool)
        case off
    }

    public var backchannelLogout: BackchannelLogout?
    /// RFC 9126 §5 (`require_pushed_authorization_requests` per client): whether /authorize
    /// accepts this client's requests only by `request_uri` from the PAR endpoint.
    public var requiresPushedAuthorization: Bool?
    /// RFC 9449 §5.2 (`dpop_bound_access_tokens` per client): whether every token request of
    /// this client must carry a DPoP proof.
    public var requiresDPoP: Bool?

    public init(backchannelLogout: BackchannelLogout? = nil, requiresPushedAuthorization: Bool? = nil, requiresDPoP: Bool? = nil) {
        self.backchannelLogout = backchannelLogout
        self.requiresPushedAuthorization = requiresPushedAuthorization
        self.requiresDPoP = requiresDPoP
    }
}
