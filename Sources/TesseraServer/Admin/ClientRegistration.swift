import Foundation
public import TesseraCore

/// What `tessera clients add` asks for.
public struct ClientRegistration: Sendable {
    public var name: String
    public var redirectURIs: [String]
    public var postLogoutRedirectURIs: [String]
    public var isPublic: Bool
    public var grantTypes: [GrantType]
    public var idTokenAlgorithm: SigningAlgorithm
    /// `--require-par`: `/authorize` takes only pushed authorization requests (RFC 9126) from it.
    public var requiresPushedAuthorization: Bool
    /// Where logout tokens are sent (OpenID Connect Back-Channel Logout 1.0); see ``BackchannelLogoutURI``.
    public var backchannelLogoutURI: String?
    public var backchannelLogoutSessionRequired: Bool = true
    /// `--third-party`: users consent before the client gets anything (see ``Client/isThirdParty``).
    public var isThirdParty: Bool = false

    public init(
        name: String,
        redirectURIs: [String],
        postLogoutRedirectURIs: [String] = [],
        isPublic: Bool = false,
        grantTypes: [GrantType] = [.authorizationCode, .refreshToken],
        idTokenAlgorithm: SigningAlgorithm = .rs256,
        requiresPushedAuthorization: Bool = false
    ) {
        self.name = name
        self.redirectURIs = redirectURIs
        self.postLogoutRedirectURIs = postLogoutRedirectURIs
        self.isPublic = isPublic
        self.grantTypes = grantTypes
        self.idTokenAlgorithm = idTokenAlgorithm
        self.requiresPushedAuthorization = requiresPushedAuthorization
    }

    /// Checks the registration before anything is written.
    /// - Throws: ``RegistrationError`` naming the first problem.
    public func validate() throws(RegistrationError) {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw .invalid("the client name is empty") }
        let usesCode = grantTypes.contains(.authorizationCode)
        if usesCode, redirectURIs.isEmpty {
            throw .invalid("a client using the authorization code flow needs at least one --redirect-uri")
        }
        if isPublic, grantTypes.contains(.clientCredentials) {
            throw .invalid("a public client cannot use client_credentials: it has no secret")
        }
        for uri in redirectURIs + postLogoutRedirectURIs {
            try Self.validate(redirectURI: uri)
        }
        if let backchannelLogoutURI {
            try BackchannelLogoutURI.validate(backchannelLogoutURI)
        }
        let known: Set<GrantType> = [.authorizationCode, .refreshToken, .clientCredentials]
        if let unknown = grantTypes.first(where: { !known.contains($0) }) {
            throw .invalid("unknown grant type '\(unknown.rawValue)'")
        }
    }

    /// A redirect URI must be absolute, without a fragment (RFC 6749 §3.1.2), and use https —
    /// or http only for loopback and localhost, or a private-use scheme for native apps (RFC 8252).
    static func validate(redirectURI uri: String) throws(RegistrationError) {
        guard let components = URLComponents(string: uri), let scheme = components.scheme?.lowercased() else {
            throw .invalid("the redirect URI '\(uri)' is not an absolute URI")
        }
        guard components.fragment == nil else {
            throw .invalid("the redirect URI '\(uri)' must not contain a fragment")
        }
        switch scheme {
        case "https":
            guard components.host?.isEmpty == false else { throw .invalid("the redirect URI '\(uri)' has no host") }
        case "http":
            guard let host = components.host, ["localhost", "127.0.0.1", "[::1]", "::1"].contains(host) || host.hasSuffix(".localhost") || ProcessInfo.processInfo.environment["TESSERA_ALLOW_HTTP_REDIRECTS"] == "1" else {
                throw .invalid("the redirect URI '\(uri)' must use https (http is allowed only for localhost and loopback addresses)")
            }
        case "javascript", "data", "file", "vbscript":
            throw .invalid("the redirect URI '\(uri)' uses a forbidden scheme")
        default:
            // A native app's private-use scheme (RFC 8252 §7.1), such as com.example.app:/callback.
            guard scheme.contains(".") else {
                throw .invalid("the redirect URI '\(uri)' must use https, http on loopback, or a reverse-domain private-use scheme")
            }
        }
    }
}

public enum RegistrationError: Error, CustomStringConvertible, Equatable {
    case invalid(String)
    case duplicate(String)

    public var description: String {
        switch self {
        case .invalid(let message): message
        case .duplicate(let message): message
        }
    }
}
