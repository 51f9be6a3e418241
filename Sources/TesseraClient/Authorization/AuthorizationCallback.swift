public import Foundation
public import TesseraCore

/// The provider's redirect back to the app (RFC 6749 §4.1.2), checked before its code is trusted.
///
/// Pure: it compares the callback's parameters with what the session kept, in this order —
/// 1. the query parses and repeats no parameter (RFC 6749 §3.1);
/// 2. `iss` names the provider the request went to, when present or advertised (RFC 9207: a
///    callback replayed from another provider, the mix-up attack, fails here);
/// 3. `state` is the session's, compared in constant time (a forged callback fails here, so an
///    attacker cannot log the victim into the attacker's account);
/// 4. an `error` becomes the provider's ``OAuthError``, with its `error_description` and `error_uri`;
/// 5. otherwise there must be a `code`.
///
/// ```swift
/// let callback = try AuthorizationCallback.validate(query: request.uri.query ?? "", pending: pending, metadata: metadata)
/// let tokens = try await client.exchangeCode(callback, pending: pending)
/// ```
public struct AuthorizationCallback: Sendable {
    /// The authorization code, single-use and short-lived.
    public let code: Secret
    /// The `iss` parameter, when the provider sent one.
    public let issuer: String?

    /// Validates the query string (still percent-encoded) of a callback.
    /// - Throws: ``ClientError`` for a callback that is not the one this session started;
    ///   ``OAuthError`` when it is and the provider reports an error (`access_denied`, …).
    public static func validate(
        query: String, pending: PendingAuthorization, metadata: ProviderMetadata,
        issuerParameter: IssuerParameterCheck = .whenPresentOrAdvertised
    ) throws -> AuthorizationCallback {
        guard let pairs = FormURLEncoding.decode(query) else {
            throw ClientError(.malformedCallback, "The callback's query is not valid form encoding.")
        }
        var parameters: [String: String] = [:]
        for (name, value) in pairs {
            guard parameters.updateValue(value, forKey: name) == nil else {
                throw ClientError(.malformedCallback, "The callback repeats the parameter '\(name)'.")
            }
        }

        try checkIssuer(parameters["iss"], metadata: metadata, policy: issuerParameter)

        guard let state = parameters["state"], !state.isEmpty else {
            throw ClientError(.missingState, "The callback carries no state.")
        }
        guard Secret(state) == pending.state else {
            throw ClientError(.stateMismatch, "The callback's state is not the one this session sent.")
        }

        if let error = parameters["error"] {
            throw OAuthError(OAuthError.Code(error), parameters["error_description"], uri: parameters["error_uri"])
        }
        guard let code = parameters["code"], !code.isEmpty else {
            throw ClientError(.missingCode, "The callback carries neither a code nor an error.")
        }
        return AuthorizationCallback(code: Secret(code), issuer: parameters["iss"])
    }

    /// Validates a whole callback URL.
    public static func validate(
        url: URL, pending: PendingAuthorization, metadata: ProviderMetadata,
        issuerParameter: IssuerParameterCheck = .whenPresentOrAdvertised
    ) throws -> AuthorizationCallback {
        let query = URLComponents(url: url, resolvingAgainstBaseURL: false)?.percentEncodedQuery ?? ""
        return try validate(query: query, pending: pending, metadata: metadata, issuerParameter: issuerParameter)
    }

    private static func checkIssuer(_ iss: String?, metadata: ProviderMetadata, policy: IssuerParameterCheck) throws(ClientError) {
        let required: Bool
        switch policy {
        case .skipIssuerParameterCheck: return
        case .required: required = true
        case .whenPresentOrAdvertised: required = metadata.authorizationResponseIssParameterSupported == true
        }
        guard let iss else {
            if required {
                throw ClientError(.missingIssuerParameter, "The provider sends 'iss' with its callbacks, but this one has none.",
                                  expected: metadata.issuer)
            }
            return
        }
        guard iss == metadata.issuer else {
            throw ClientError(.issuerParameterMismatch, "The callback comes from another issuer (a mix-up attack?).",
                              expected: metadata.issuer, actual: iss)
        }
    }
}
