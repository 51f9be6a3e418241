public import Foundation
public import TesseraCore

/// Where to send the browser to end the user's session at the provider too, in the two
/// dialects in use.
///
/// ```swift
/// // OpenID Connect RP-Initiated Logout (Tessera's /oidc/logout, any provider advertising end_session_endpoint)
/// let url = try LogoutURL.endSession(endpoint: endpoint, clientID: id, idTokenHint: tokens.idToken,
///                                    postLogoutRedirectURI: "https://app.example/", state: "xyz")
/// // Auth0's /v2/logout
/// let url = try LogoutURL.auth0(issuer: "https://tenant.auth0.com/", clientID: id, returnTo: "https://app.example/")
/// ```
public enum LogoutURL {
    /// `end_session_endpoint?id_token_hint=…&post_logout_redirect_uri=…&state=…&client_id=…`
    /// (OpenID Connect RP-Initiated Logout 1.0 §2). The id_token hint tells the provider whose
    /// session to end; it is already known to the browser that carried the login.
    public static func endSession(endpoint: String, clientID: String, idTokenHint: Secret?,
                                  postLogoutRedirectURI: String?, state: String?) throws(ClientError) -> URL {
        var parameters: [(name: String, value: String)] = []
        if let idTokenHint { parameters.append(("id_token_hint", idTokenHint.unredacted)) }
        if let postLogoutRedirectURI { parameters.append(("post_logout_redirect_uri", postLogoutRedirectURI)) }
        if let state { parameters.append(("state", state)) }
        parameters.append(("client_id", clientID))
        return try url(endpoint, parameters)
    }

    /// Auth0's `https://{domain}/v2/logout?client_id=…&returnTo=…`, on the issuer's origin.
    public static func auth0(issuer: String, clientID: String, returnTo: String?) throws(ClientError) -> URL {
        guard var components = URLComponents(string: issuer), components.host != nil else {
            throw ClientError(.invalidConfiguration, "The issuer is not a URL.", actual: issuer)
        }
        components.path = "/v2/logout"
        components.query = nil
        var parameters: [(name: String, value: String)] = [("client_id", clientID)]
        if let returnTo { parameters.append(("returnTo", returnTo)) }
        return try url(components.string ?? issuer, parameters)
    }

    private static func url(_ endpoint: String, _ parameters: [(name: String, value: String)]) throws(ClientError) -> URL {
        let separator = endpoint.contains("?") ? "&" : "?"
        guard let url = URL(string: endpoint + separator + FormURLEncoding.encode(parameters)) else {
            throw ClientError(.invalidConfiguration, "The logout endpoint is not a URL.", actual: endpoint)
        }
        return url
    }
}
