import Foundation
public import TesseraCore

/// OpenID Connect Discovery 1.0 as two pure steps: the request for an issuer's document, and the
/// check of the answer.
///
/// The check that matters is §4.3: the document's `issuer` must be *exactly* the issuer the app
/// was configured with. Otherwise whoever serves the document could name their own endpoints and
/// keys, and every later check of `iss` would compare against the impostor's value.
///
/// ```swift
/// let request = try Discovery.request(issuer: "https://tenant.auth0.com/")
/// let metadata = try Discovery.process(try await transport.send(request), expectedIssuer: "https://tenant.auth0.com/")
/// ```
public enum Discovery {
    /// `GET {issuer}/.well-known/openid-configuration` (Discovery §4.1: appended to the issuer's
    /// path, a trailing slash of the issuer removed first).
    public static func request(issuer: String, timeout: Duration = .seconds(10)) throws(ClientError) -> TransportRequest {
        let base = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
        guard let url = URL(string: base + "/.well-known/openid-configuration"), let scheme = url.scheme?.lowercased(),
              scheme == "https" || scheme == "http", url.host?.isEmpty == false, url.query == nil
        else {
            throw ClientError(.invalidConfiguration, "The issuer is not an http(s) URL without a query.", actual: issuer)
        }
        return TransportRequest(method: .get, url: url, headers: [("Accept", "application/json")], timeout: timeout)
    }

    /// The provider's metadata from a discovery response.
    /// - Throws: `.malformedResponse` for anything but a 200 JSON document with the required
    ///   fields, `.discoveryIssuerMismatch` when it describes another issuer.
    public static func process(_ response: TransportResponse, expectedIssuer: String) throws(ClientError) -> ProviderMetadata {
        guard response.status == 200 else {
            throw ClientError(.malformedResponse, "The discovery document could not be fetched.", status: response.status)
        }
        let metadata = try decodeJSON(ProviderMetadata.self, from: response.body, status: response.status, what: "The discovery document")
        guard metadata.issuer == expectedIssuer else {
            throw ClientError(.discoveryIssuerMismatch, "The discovery document describes another issuer.",
                              expected: expectedIssuer, actual: metadata.issuer)
        }
        return metadata
    }
}

extension Discovery {
    /// Both steps over `transport`: the issuer's document, fetched and checked.
    static func fetch(issuer: String, transport: any HTTPTransport, timeout: Duration) async throws(ClientError) -> ProviderMetadata {
        let request = try request(issuer: issuer, timeout: timeout)
        let response: TransportResponse
        do {
            response = try await transport.sendWrappingErrors(request)
        } catch {
            throw ClientError(wrapping: error)
        }
        return try process(response, expectedIssuer: issuer)
    }
}
