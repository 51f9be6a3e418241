import Foundation
import TesseraCore

/// The client metadata of RFC 7591 §2, as a client registering itself sends it and the provider
/// echoes it back (§3.2.1, and RFC 7592 §3 on read and update).
///
/// Parsing is strict where it matters — every value is checked by the same rules as
/// `tessera clients add` (``ClientRegistration/validate()``), without the administrator's http
/// escape hatch — and lenient where the RFC asks: metadata the provider does not know is ignored
/// (§2) and never echoed. A refusal is an ``OAuthError`` with RFC 7591 §3.2.2's code:
/// `invalid_redirect_uri` for a redirect URI, `invalid_client_metadata` for anything else.
///
/// ```swift
/// let metadata = try ClientMetadata(json: body)
/// metadata.registration.isThirdParty   // true: a self-registered client is never first-party
/// ```
struct ClientMetadata: Sendable {
    /// The client as `Administration` would add it.
    var registration: ClientRegistration
    /// How the client authenticates at the token endpoint (RFC 7591 §2).
    var authMethod: TokenEndpointAuthMethod
    /// The scopes the client says it will ask for (RFC 7591 §2 `scope`): recorded and echoed.
    var scope: Scope?

    /// The name given to a client that registers without a `client_name`.
    static let defaultName = "Unnamed application"
    /// The most redirect URIs (and post-logout redirect URIs) one client may register.
    static let maximumURIs = 20
    /// The grant types a client may register itself for. `client_credentials` is not one: machine
    /// access to an API rests on a client grant, which only an administrator makes.
    static let registrableGrantTypes: [GrantType] = [.authorizationCode, .refreshToken]

    /// RFC 7591 §2 `token_endpoint_auth_method`.
    enum TokenEndpointAuthMethod: String, Sendable, CaseIterable {
        case clientSecretBasic = "client_secret_basic"
        case clientSecretPost = "client_secret_post"
        /// A public client (a native app, an SPA): no secret, PKCE required at `/authorize`.
        case none
    }

    /// Parses and validates a JSON registration (or RFC 7592 update) body.
    init(json body: some Collection<UInt8>) throws(OAuthError) {
        try self.init(members: try Self.members(of: body))
    }

    /// The top-level members of a JSON object body.
    /// - Throws: `invalid_client_metadata` for a body that is not one JSON object, or that names
    ///   a member twice (which of the two would count is up to the parser: refuse instead).
    static func members(of body: some Collection<UInt8>) throws(OAuthError) -> [String: JSONValue] {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(body)), let object = value.object else {
            throw OAuthError(.invalidClientMetadata, "The body must be one JSON object of client metadata (RFC 7591 §2).")
        }
        if let repeated = JSONKeyScanner.firstRepeatedTopLevelKey(in: body) {
            throw OAuthError(.invalidClientMetadata, "The metadata '\(repeated.prefix(64))' is given more than once.")
        }
        return object
    }

    init(members: [String: JSONValue]) throws(OAuthError) {
        let grantTypes = try Self.strings(members, "grant_types") ?? [GrantType.authorizationCode.rawValue]
        for grantType in grantTypes where !Self.registrableGrantTypes.map(\.rawValue).contains(grantType) {
            if grantType == GrantType.clientCredentials.rawValue {
                throw OAuthError(.invalidClientMetadata,
                                 "client_credentials cannot be registered dynamically: machine access to an API needs a client grant from an administrator (tessera clients add --grant-type client_credentials, then tessera grants add).")
            }
            throw OAuthError(.invalidClientMetadata,
                             "The grant type '\(grantType.prefix(64))' is not supported; register authorization_code, optionally with refresh_token.")
        }
        guard grantTypes.contains(GrantType.authorizationCode.rawValue) else {
            throw OAuthError(.invalidClientMetadata, "grant_types must include authorization_code: refresh_token alone has nothing to refresh.")
        }
        let responseTypes = try Self.strings(members, "response_types") ?? ["code"]
        guard !responseTypes.isEmpty, responseTypes.allSatisfy({ $0 == "code" }) else {
            throw OAuthError(.invalidClientMetadata, "response_types must be [\"code\"]: the authorization code flow is the only one supported.")
        }
        let methodName = try Self.string(members, "token_endpoint_auth_method") ?? TokenEndpointAuthMethod.clientSecretBasic.rawValue
        guard let authMethod = TokenEndpointAuthMethod(rawValue: methodName) else {
            throw OAuthError(.invalidClientMetadata,
                             "token_endpoint_auth_method must be client_secret_basic, client_secret_post or none, not '\(methodName.prefix(64))'.")
        }
        let algorithmName = try Self.string(members, "id_token_signed_response_alg") ?? SigningAlgorithm.rs256.rawValue
        guard let algorithm = SigningAlgorithm(rawValue: algorithmName) else {
            throw OAuthError(.invalidClientMetadata, "id_token_signed_response_alg must be RS256, ES256 or EdDSA, not '\(algorithmName.prefix(64))'.")
        }
        let redirectURIs = try Self.strings(members, "redirect_uris", code: .invalidRedirectURI) ?? []
        let postLogoutRedirectURIs = try Self.strings(members, "post_logout_redirect_uris") ?? []
        guard redirectURIs.count <= Self.maximumURIs, postLogoutRedirectURIs.count <= Self.maximumURIs else {
            throw OAuthError(.invalidClientMetadata, "A client may register at most \(Self.maximumURIs) redirect URIs of each kind.")
        }
        var registration = ClientRegistration(
            name: try Self.string(members, "client_name") ?? Self.defaultName,
            redirectURIs: redirectURIs, postLogoutRedirectURIs: postLogoutRedirectURIs,
            isPublic: authMethod == .none, grantTypes: grantTypes.map(GrantType.init(rawValue:)), idTokenAlgorithm: algorithm)
        registration.backchannelLogoutURI = try Self.string(members, "backchannel_logout_uri")
        registration.backchannelLogoutSessionRequired = try Self.bool(members, "backchannel_logout_session_required") ?? true
        registration.isThirdParty = true
        // RFC 9449 §5.2: the client will always use DPoP, so a token request without a proof is refused.
        registration.requiresDPoP = try Self.bool(members, "dpop_bound_access_tokens") ?? false
        do {
            try registration.validate(allowingHTTPRedirects: false)
        } catch {
            switch error {
            case .invalidRedirectURI(let message): throw OAuthError(.invalidRedirectURI, Self.sentence(message))
            case .invalid(let message), .duplicate(let message), .notFound(let message):
                throw OAuthError(.invalidClientMetadata, Self.sentence(message))
            }
        }
        if let text = try Self.string(members, "scope") {
            let scope = Scope(text)
            guard scope.isWellFormed, !ControlCharacters.occur(in: text) else {
                throw OAuthError(.invalidClientMetadata, "scope must be space-separated scope tokens (RFC 6749 §3.3).")
            }
            self.scope = scope.isEmpty ? nil : scope
        } else {
            self.scope = nil
        }
        self.registration = registration
        self.authMethod = authMethod
    }

    /// The registered metadata as the provider echoes it: only what it understood and stored.
    var members: [String: JSONValue] {
        var members: [String: JSONValue] = [
            "client_name": .string(registration.name),
            "redirect_uris": .array(registration.redirectURIs.map(JSONValue.string)),
            "grant_types": .array(registration.grantTypes.map { .string($0.rawValue) }),
            "response_types": .array([.string("code")]),
            "token_endpoint_auth_method": .string(authMethod.rawValue),
            "id_token_signed_response_alg": .string(registration.idTokenAlgorithm.rawValue),
        ]
        if !registration.postLogoutRedirectURIs.isEmpty {
            members["post_logout_redirect_uris"] = .array(registration.postLogoutRedirectURIs.map(JSONValue.string))
        }
        if let uri = registration.backchannelLogoutURI {
            members["backchannel_logout_uri"] = .string(uri)
            members["backchannel_logout_session_required"] = .bool(registration.backchannelLogoutSessionRequired)
        }
        if let scope { members["scope"] = .string(scope.description) }
        members["dpop_bound_access_tokens"] = .bool(registration.requiresDPoP)
        return members
    }

    /// The metadata of a client as stored (for RFC 7592 reads).
    init(client: Client, authMethod: TokenEndpointAuthMethod, scope: Scope?) {
        var registration = ClientRegistration(
            name: client.name, redirectURIs: client.redirectURIs, postLogoutRedirectURIs: client.postLogoutRedirectURIs,
            isPublic: client.isPublic, grantTypes: client.grantTypes,
            idTokenAlgorithm: SigningAlgorithm(rawValue: client.idTokenAlgorithm) ?? .rs256)
        registration.backchannelLogoutURI = client.backchannelLogoutURI
        registration.backchannelLogoutSessionRequired = client.backchannelLogoutSessionRequired
        registration.isThirdParty = client.isThirdParty
        registration.requiresDPoP = client.requiresDPoP
        self.registration = registration
        self.authMethod = authMethod
        self.scope = scope
    }

    /// A message of ``ClientRegistration/validate()`` as an `error_description` sentence.
    private static func sentence(_ message: String) -> String {
        (message.prefix(1).uppercased() + message.dropFirst()) + "."
    }

    private static func string(_ members: [String: JSONValue], _ name: String) throws(OAuthError) -> String? {
        switch members[name] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        default: throw OAuthError(.invalidClientMetadata, "\(name) must be a string.")
        }
    }

    private static func bool(_ members: [String: JSONValue], _ name: String) throws(OAuthError) -> Bool? {
        switch members[name] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        default: throw OAuthError(.invalidClientMetadata, "\(name) must be true or false.")
        }
    }

    private static func strings(_ members: [String: JSONValue], _ name: String,
                                code: OAuthError.Code = .invalidClientMetadata) throws(OAuthError) -> [String]? {
        switch members[name] {
        case nil, .null?: return nil
        case .array(let values)?:
            var strings: [String] = []
            for value in values {
                guard case .string(let string) = value else { throw OAuthError(code, "\(name) must be an array of strings.") }
                strings.append(string)
            }
            return strings
        default: throw OAuthError(code, "\(name) must be an array of strings.")
        }
    }
}
