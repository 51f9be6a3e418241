import Foundation
public import TesseraCore

/// The rules for `tessera apis add`, checked before anything is written.
public enum APIRegistration {
    /// An identifier is an absolute URI (Auth0's convention: the API's URL), a name is not empty,
    /// and every permission is a well-formed scope token that does not clash with OpenID's.
    public static func validate(identifier: String, name: String, scopes: Scope) throws(RegistrationError) {
        guard let url = URLComponents(string: identifier), url.scheme != nil, !(url.host ?? url.path).isEmpty else {
            throw .invalid("the API identifier '\(identifier)' must be an absolute URI, such as https://api.example.com")
        }
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .invalid("the API name is empty")
        }
        guard scopes.isWellFormed else {
            throw .invalid("a scope contains characters RFC 6749 does not allow")
        }
        let reserved = ["openid", "offline_access"] + StandardClaims.scopes
        if let clash = scopes.tokens.first(where: reserved.contains) {
            throw .invalid("'\(clash)' is an OpenID Connect scope, not an API permission")
        }
    }
}
