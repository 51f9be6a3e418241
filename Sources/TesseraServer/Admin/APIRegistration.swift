import Foundation
public import TesseraCore

/// The rules for `tessera apis add`, checked before anything is written.
public enum APIRegistration {
    /// The longest description of a permission, as Auth0 allows: a sentence for the consent page.
    public static let maximumDescriptionLength = 500

    /// An identifier is an absolute URI (Auth0's convention: the API's URL), a name is not empty,
    /// every permission is a well-formed scope token that does not clash with OpenID's, and each
    /// description describes one of those permissions in one line of at most 500 characters.
    public static func validate(identifier: String, name: String, scopes: Scope,
                                descriptions: [String: String] = [:]) throws(RegistrationError) {
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
        for (scope, description) in descriptions.sorted(by: { $0.key < $1.key }) {
            guard scopes.contains(scope) else {
                throw .invalid("'\(scope)' has a description but is not one of the API's scopes")
            }
            guard description.count <= maximumDescriptionLength,
                  !description.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw .invalid("the description of '\(scope)' must be one line of at most \(maximumDescriptionLength) characters")
            }
        }
    }
}
