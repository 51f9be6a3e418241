import TesseraCore

extension OAuthError.Code {
    /// OpenID Connect Core §3.1.2.6: the provider does not accept the `request` parameter.
    static let requestNotSupported = OAuthError.Code("request_not_supported")
    /// OpenID Connect Core §3.1.2.6: the provider does not accept the `request_uri` parameter.
    static let requestURINotSupported = OAuthError.Code("request_uri_not_supported")
}

/// Request objects (OpenID Connect Core §6, RFC 9101): Tessera accepts neither form, and says so
/// with the error OpenID Connect Core §3.1.2.6 names for each, sent to the client once its
/// redirect URI is trusted; discovery advertises `request_parameter_supported` and
/// `request_uri_parameter_supported` as false.
///
/// The one place that refuses them: a `request_uri` that a pushed authorization request
/// (RFC 9126) resolves must be replaced by its parameters before the request reaches
/// ``AuthorizationRequest/validate(query:clients:apis:clientGrants:)``, and never arrives here.
enum RequestObjects {
    /// The refusal for a request that carries a request object, if it does.
    static func refusal(request: String?, requestURI: String?) -> OAuthError? {
        if request != nil {
            return OAuthError(.requestNotSupported, "Request objects (the 'request' parameter) are not supported: send the parameters themselves.")
        }
        if requestURI != nil {
            return OAuthError(.requestURINotSupported, "The 'request_uri' parameter is not supported: send the parameters themselves.")
        }
        return nil
    }
}
