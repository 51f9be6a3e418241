import TesseraCore

/// The parameters of an authorization request that describe the user's context rather than what
/// is asked for (OpenID Connect Core §3.1.2.1): `display`, `ui_locales`, `claims_locales`,
/// `login_hint` and `id_token_hint`.
///
/// `ui_locales` and `claims_locales` are accepted and need no answer: the pages are in English
/// only and claims are not localised, and §3.1.2.1 says an unsupported locale is not an error.
/// `display` must be one of the four values §3.1.2.1 defines; Tessera's one page layout suits all
/// of them (it is a small responsive page). Any other value is `invalid_request`, as for every
/// malformed parameter, rather than a guess.
enum AuthorizationContext {
    /// The `display` values of OpenID Connect Core §3.1.2.1, all accepted.
    static let displayValues = ["page", "popup", "touch", "wap"]

    /// The refusal for a `display` value outside ``displayValues``, if any.
    static func displayError(_ display: String?) -> OAuthError? {
        guard let display, !displayValues.contains(display) else { return nil }
        return OAuthError(.invalidRequest, "display must be one of \(displayValues.joined(separator: ", ")).")
    }
}
