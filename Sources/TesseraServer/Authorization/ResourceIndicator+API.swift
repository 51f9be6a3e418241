import TesseraCore

/// The provider's side of RFC 8707 resource indicators: the registered API a request names with
/// `audience` or `resource`, and whether a code or refresh token may be redeemed for it.
///
/// At `/authorize`, PAR and `client_credentials` the named API is looked up here; what the client
/// may get for it is then ``APIAccess``'s decision, the same for either spelling. At the code and
/// refresh exchanges (RFC 8707 §2.2) the API was settled when the user authorized: `resource` may
/// only repeat it.
///
/// ```swift
/// let api = try await ResourceIndicator.api(audience: parameters["audience"], resources: resources, in: apis)
/// ```
extension ResourceIndicator {
    /// The registered API the request names; nil when it names none.
    /// - Throws: ``OAuthError`` `invalid_target` for a malformed request (``target(audience:resources:)``)
    ///   or an identifier no API is registered under (RFC 8707 §2); the store's errors as they are.
    static func api(audience: String?, resources: [String], in apis: any APIStore) async throws -> API? {
        guard let identifier = try target(audience: audience, resources: resources) else { return nil }
        guard let api = try await apis.api(identifier: identifier) else {
            throw OAuthError(.invalidTarget, resources.isEmpty ? "The audience is not a registered API." : "The resource is not a registered API.")
        }
        return api
    }

    /// The API a code or refresh request names with `resource`, nil when it sends none (then the
    /// grant's API is meant, as before RFC 8707). `audience` is not read alone there, as Auth0
    /// ignores it at these grants; beside a `resource` it must agree with it.
    /// - Throws: `invalid_target` as ``target(audience:resources:)`` does.
    static func redeemed(by request: TokenRequest) throws(OAuthError) -> String? {
        guard !request.resources.isEmpty else { return nil }
        return try target(audience: request.audience, resources: request.resources)
    }

    /// Checks that `resource` (from ``redeemed(by:)``) is the API the grant was authorized for.
    /// - Throws: `invalid_target` for any other resource (RFC 8707 §2.2).
    static func check(_ resource: String?, isFor grant: Grant) throws(OAuthError) {
        guard let resource, resource != grant.audience else { return }
        throw OAuthError(.invalidTarget, grant.audience == nil
            ? "The resource was not asked for when the user authorized this client; name it at the authorization request."
            : "The resource is not the API this grant was authorized for.")
    }
}

extension ResourceIndicator {
    /// ``api(audience:resources:in:)`` for `/authorize` (and so PAR), which reads the query's
    /// pairs itself: every `resource` among them, and a refusal turned into what `/authorize`
    /// answers (`refusing`: back to the client's redirect URI).
    static func api(audience: String?, query pairs: [(name: String, value: String)], in apis: any APIStore,
                    refusing refusal: (OAuthError) -> any Error) async throws -> API? {
        let resources = pairs.filter { $0.name == parameter && !$0.value.isEmpty }.map(\.value)
        do {
            return try await api(audience: audience, resources: resources, in: apis)
        } catch let error as OAuthError {
            throw refusal(error)
        }
    }
}
