import TesseraCore

/// Whether a user must be asked before a client gets what it asked for (OpenID Connect Core
/// §3.1.2.4, §3.1.2.6), decided here alone. Pure, so every case is tested in-process.
///
/// A first-party client is never asked about: the provider's owner runs it. A third-party client
/// needs the user's consent to every scope it asks for — `offline_access` and API permissions
/// like the others — remembered per user, client and API (``Consent``): a request the remembered
/// scopes cover skips the page unless `prompt=consent` forces it; `prompt=none` never shows a
/// page, so it answers `consent_required` instead.
///
/// ```swift
/// switch ConsentPolicy.decide(client: client, scope: request.scope, prompt: request.prompt, remembered: consent) { … }
/// ```
enum ConsentPolicy {
    enum Decision: Equatable {
        /// Issue the code.
        case granted
        /// Show the consent page.
        case ask
        /// `prompt=none` and the user has not consented: `consent_required`.
        case required
    }

    static func decide(client: Client, scope: Scope, prompt: Set<String>, remembered: Consent?) -> Decision {
        guard client.isThirdParty else { return .granted }
        let covered = remembered.map { scope.isSubset(of: $0.scope) } ?? false
        if covered, !prompt.contains("consent") { return .granted }
        return prompt.contains("none") ? .required : .ask
    }

    /// What is remembered after the user approves `scope`: everything consented to before, and
    /// `scope` — asking for more never forgets what was allowed.
    static func remembered(after scope: Scope, previously: Consent?) -> Scope {
        guard let previously else { return scope }
        return Scope(previously.scope.tokens + scope.tokens.filter { !previously.scope.contains($0) })
    }

    /// The identity scopes of `scope` in words a user understands; API permissions are shown as
    /// the API names them.
    static func wording(of scope: String) -> String? {
        switch scope {
        case "openid": "Know who you are (your account identifier)"
        case "profile": "See your profile: name, picture and other basic details"
        case "email": "See your email address"
        case "address": "See your postal address"
        case "phone": "See your phone number"
        case "offline_access": "Keep access while you are not using it (offline access)"
        default: nil
        }
    }
}
