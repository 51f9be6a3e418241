import Foundation
import TesseraCore

/// A POST to the token or revocation endpoint, carrying the client's credentials the configured
/// way — the one place a client secret leaves its ``Secret``, into a header or a body.
enum AuthenticatedPost {
    /// The request for `parameters` (without client credentials) sent to `endpoint`; with
    /// `formEncoded`, a form body even when the configuration sends JSON (Auth0's token endpoint
    /// takes JSON, but RFC 9126 §2.1 asks for a form).
    /// - Throws: `.invalidConfiguration` for a secret-based method without a secret, or an
    ///   endpoint that is not a URL.
    static func request(to endpoint: String, parameters: [(name: String, value: String)],
                        configuration: ClientConfiguration, formEncoded: Bool = false) throws(ClientError) -> TransportRequest {
        guard let url = URL(string: endpoint) else {
            throw ClientError(.invalidConfiguration, "The endpoint is not a URL.", actual: endpoint)
        }
        let method = configuration.authentication
        var parameters = parameters
        var authorization: Secret?
        if method.usesSecret {
            guard let secret = configuration.clientSecret, !secret.isEmpty else {
                throw ClientError(.invalidConfiguration, "The authentication method \(method) needs a client secret.")
            }
            if method.usesBasicHeader {
                authorization = basicCredentials(id: configuration.clientID, secret: secret)
            } else {
                parameters.insert(contentsOf: [("client_id", configuration.clientID), ("client_secret", secret.unredacted)],
                                  at: min(1, parameters.count))
            }
        } else {
            parameters.insert(("client_id", configuration.clientID), at: min(1, parameters.count))
        }
        let json = method.usesJSONBody && !formEncoded
        let contentType = json ? "application/json" : "application/x-www-form-urlencoded"
        let body = json ? jsonObject(parameters) : FormURLEncoding.encode(parameters)
        return TransportRequest(
            method: .post, url: url,
            headers: [("Content-Type", contentType), ("Accept", "application/json")],
            authorization: authorization, body: Secret(body), timeout: configuration.requestTimeout)
    }

    /// `Basic base64(urlencode(id) ":" urlencode(secret))`, RFC 6749 §2.3.1.
    static func basicCredentials(id: String, secret: Secret) -> Secret {
        let credentials = FormURLEncoding.escape(id) + ":" + FormURLEncoding.escape(secret.unredacted)
        return Secret("Basic " + Data(credentials.utf8).base64EncodedString())
    }

    /// A flat JSON object of strings, in the order given (the seed's order for a token request).
    static func jsonObject(_ pairs: [(name: String, value: String)]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        func quoted(_ string: String) -> String {
            (try? encoder.encode(string)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
        }
        return "{" + pairs.map { quoted($0.name) + ":" + quoted($0.value) }.joined(separator: ",") + "}"
    }
}
