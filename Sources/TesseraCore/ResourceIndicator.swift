import Foundation

/// RFC 8707 resource indicators beside Auth0's `audience`: which one API a request is for.
///
/// `resource` and `audience` mean the same thing — the identifier of the API the access token is
/// for — so a request may use either, or both with the same value. RFC 8707 lets a client name
/// several resources; Tessera, like Auth0, issues an access token for one API at a time, so a
/// second `resource` is refused rather than silently dropped. Pure: the provider looks the
/// identifier up among its registered APIs afterwards.
///
/// ```swift
/// let identifier = try ResourceIndicator.target(audience: parameters["audience"],
///                                               resources: parameters.values(of: ResourceIndicator.parameter))
/// ```
public enum ResourceIndicator {
    /// The parameter's name: the one OAuth parameter that may be repeated (RFC 8707 §2).
    public static let parameter = "resource"

    /// The refusal of a request that names more than one resource.
    public static let severalResources = OAuthError(
        .invalidTarget, "Only one resource may be given: Tessera issues an access token for a single API, as Auth0 does; ask for one token per API.")

    /// The API identifier named by `audience` and `resources`; nil when neither names one.
    /// - Throws: `invalid_target` (RFC 8707 §2) for several resources, a resource that is not an
    ///   absolute URI or has a fragment, or an audience and a resource that differ.
    public static func target(audience: String?, resources: [String]) throws(OAuthError) -> String? {
        guard resources.count <= 1 else { throw severalResources }
        guard let resource = resources.first else { return audience }
        try checkSyntax(of: resource)
        if let audience, audience != resource {
            throw OAuthError(.invalidTarget, "The audience and the resource name different APIs; give one of them, or the same value in both.")
        }
        return resource
    }

    /// RFC 8707 §2: "an absolute URI, as specified by Section 4.3 of RFC 3986 … MUST NOT include a
    /// fragment component."
    static func checkSyntax(of resource: String) throws(OAuthError) {
        guard !resource.contains("#") else {
            throw OAuthError(.invalidTarget, "The resource must not contain a fragment (RFC 8707 §2).")
        }
        guard let components = URLComponents(string: resource), let scheme = components.scheme, !scheme.isEmpty else {
            throw OAuthError(.invalidTarget, "The resource must be an absolute URI, such as https://api.example.com (RFC 8707 §2).")
        }
    }
}
