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
    /// `--require-dpop`: every token request must carry a DPoP proof (see ``Client/requiresDPoP``).
    public var requiresDPoP: Bool = false

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

    /// The client this registration describes, under `id`, with the hash of its secret (nil: public).
    func client(id: String, secretHash: SecretHash?) -> Client {
        Client(
            id: id,
            name: name,
            secretHash: secretHash,
            redirectURIs: redirectURIs,
            postLogoutRedirectURIs: postLogoutRedirectURIs,
            grantTypes: grantTypes,
            idTokenAlgorithm: idTokenAlgorithm.rawValue,
            requiresPushedAuthorization: requiresPushedAuthorization,
            backchannelLogoutURI: backchannelLogoutURI,
            backchannelLogoutSessionRequired: backchannelLogoutSessionRequired,
            isThirdParty: isThirdParty,
            requiresDPoP: requiresDPoP
        )
    }

    /// The longest client name: it is shown on the login and consent pages.
    public static let maximumNameLength = 100

    /// Checks the registration before anything is written.
    /// - Throws: ``RegistrationError`` naming the first problem.
    public func validate() throws(RegistrationError) {
        try validate(allowingHTTPRedirects: ProcessInfo.processInfo.environment["TESSERA_ALLOW_HTTP_REDIRECTS"] == "1")
    }

    /// The checks of ``validate()``; `allowingHTTPRedirects` admits plain-http redirect URIs on any
    /// host — an administrator's escape hatch for a test network, never offered to self-registered
    /// clients (RFC 7591), which always get the strict rules.
    func validate(allowingHTTPRedirects: Bool) throws(RegistrationError) {
        try Self.validate(name: name)
        let usesCode = grantTypes.contains(.authorizationCode)
        if usesCode, redirectURIs.isEmpty {
            throw .invalidRedirectURI("a client using the authorization code flow needs at least one redirect URI (--redirect-uri; redirect_uris when registering)")
        }
        if isPublic, grantTypes.contains(.clientCredentials) {
            throw .invalid("a public client cannot use client_credentials: it has no secret")
        }
        for uri in redirectURIs {
            try Self.validate(redirectURI: uri, allowingHTTP: allowingHTTPRedirects)
        }
        for uri in postLogoutRedirectURIs {
            do {
                try Self.validate(redirectURI: uri, allowingHTTP: allowingHTTPRedirects)
            } catch {
                throw .invalid("post-logout " + error.description)
            }
        }
        if let backchannelLogoutURI {
            try BackchannelLogoutURI.validate(backchannelLogoutURI)
        }
        let known: Set<GrantType> = [.authorizationCode, .refreshToken, .clientCredentials]
        if let unknown = grantTypes.first(where: { !known.contains($0) }) {
            throw .invalid("unknown grant type '\(unknown.rawValue)'")
        }
    }

    /// A client name is shown to users (HTML-escaped): it must say something, fit on a page, and
    /// hold no control character (a line break or an escape that would garble a page or a log).
    static func validate(name: String) throws(RegistrationError) {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw .invalid("the client name is empty") }
        guard name.count <= maximumNameLength else {
            throw .invalid("the client name is longer than \(maximumNameLength) characters")
        }
        guard !ControlCharacters.occur(in: name) else { throw .invalid("the client name contains a control character") }
    }

    /// A redirect URI must be absolute, without a fragment (RFC 6749 §3.1.2) or user information
    /// (a `https://trusted@evil.example` that reads as another host), and use https — or http only
    /// for loopback and localhost, or a reverse-domain private-use scheme for native apps
    /// (RFC 8252 §7.1, §7.3). `javascript:`, `data:`, `file:` and `vbscript:` never.
    static func validate(redirectURI uri: String, allowingHTTP: Bool = false) throws(RegistrationError) {
        guard !ControlCharacters.occur(in: uri) else {
            throw .invalidRedirectURI("a redirect URI contains a control character")
        }
        guard let components = URLComponents(string: uri), let scheme = components.scheme?.lowercased() else {
            throw .invalidRedirectURI("the redirect URI '\(uri)' is not an absolute URI")
        }
        guard components.fragment == nil else {
            throw .invalidRedirectURI("the redirect URI '\(uri)' must not contain a fragment")
        }
        guard components.user == nil, components.password == nil else {
            throw .invalidRedirectURI("the redirect URI '\(uri)' must not contain user information")
        }
        switch scheme {
        case "https":
            guard components.host?.isEmpty == false else { throw .invalidRedirectURI("the redirect URI '\(uri)' has no host") }
        case "http":
            guard let host = components.host?.lowercased(),
                  ["localhost", "127.0.0.1", "[::1]", "::1"].contains(host) || host.hasSuffix(".localhost") || allowingHTTP else {
                throw .invalidRedirectURI("the redirect URI '\(uri)' must use https (http is allowed only for localhost and loopback addresses)")
            }
        case "javascript", "data", "file", "vbscript":
            throw .invalidRedirectURI("the redirect URI '\(uri)' uses a forbidden scheme")
        default:
            // A native app's private-use scheme (RFC 8252 §7.1), such as com.example.app:/callback.
            guard scheme.contains(".") else {
                throw .invalidRedirectURI("the redirect URI '\(uri)' must use https, http on loopback, or a reverse-domain private-use scheme")
            }
        }
    }
}

public enum RegistrationError: Error, CustomStringConvertible, Equatable {
    case invalid(String)
    /// A redirect URI broke the rules: RFC 7591 §3.2.2 answers it `invalid_redirect_uri`.
    case invalidRedirectURI(String)
    case duplicate(String)
    /// The client, user, API or grant named does not exist: the management API answers 404.
    case notFound(String)

    public var description: String {
        switch self {
        case .invalid(let message): message
        case .invalidRedirectURI(let message): message
        case .duplicate(let message): message
        case .notFound(let message): message
        }
    }
}
