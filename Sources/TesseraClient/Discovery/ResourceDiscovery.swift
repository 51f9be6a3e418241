public import Foundation
public import TesseraCore

/// RFC 9728 (OAuth 2.0 Protected Resource Metadata) as pure steps, for a client that meets an API
/// before it has a token — an MCP client, say: read where the API describes itself from its 401,
/// fetch that document, and check that it describes the API the client asked.
///
/// The check that matters is §3.3: the document's `resource` must be *exactly* the API's
/// identifier the client used, or one API could point clients at an authorization server of its
/// choosing and collect the tokens meant for another.
///
/// ```swift
/// let url = ResourceDiscovery.metadataURL(wwwAuthenticate: unauthorized.header("WWW-Authenticate"))
///     ?? try ResourceDiscovery.wellKnownURL(resource: "https://api.example/")
/// let metadata = try ResourceDiscovery.process(try await transport.send(ResourceDiscovery.request(url)),
///                                              expectedResource: "https://api.example/")
/// let issuer = metadata.authorizationServers?.first   // then Discovery, as for any provider
/// ```
public enum ResourceDiscovery {
    /// The `resource_metadata` URL of a 401's `Bearer` challenge (RFC 9728 §5.1), when it names an
    /// http(s) URL.
    public static func metadataURL(wwwAuthenticate: String?) -> URL? {
        let bearer = AuthenticationChallenge.parse(wwwAuthenticate ?? "").first { $0.scheme == "bearer" }
        guard let value = bearer?.parameters["resource_metadata"], let url = URL(string: value),
              let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http", url.host?.isEmpty == false
        else { return nil }
        return url
    }

    /// Where a resource identifier's metadata lives when no 401 said (RFC 9728 §3.1): the
    /// well-known path inserted between the host and the identifier's path.
    public static func wellKnownURL(resource: String) throws(ClientError) -> URL {
        guard let components = URLComponents(string: resource), let scheme = components.scheme?.lowercased(),
              scheme == "https" || scheme == "http", components.host?.isEmpty == false,
              components.query == nil, components.fragment == nil,
              let url = URL(string: ProtectedResourceMetadata(resource: resource).metadataURL)
        else {
            throw ClientError(.invalidConfiguration, "The resource identifier is not an http(s) URL without a query or fragment.", actual: resource)
        }
        return url
    }

    /// The GET of a metadata document.
    public static func request(_ metadataURL: URL, timeout: Duration = .seconds(10)) -> TransportRequest {
        TransportRequest(method: .get, url: metadataURL, headers: [("Accept", "application/json")], timeout: timeout)
    }

    /// The API's metadata from the response.
    /// - Throws: `.malformedResponse` for anything but a 200 JSON document with `resource`;
    ///   `.resourceMismatch` when it describes another resource than `expectedResource`.
    public static func process(_ response: TransportResponse, expectedResource: String) throws(ClientError) -> ProtectedResourceMetadata {
        guard response.status == 200 else {
            throw ClientError(.malformedResponse, "The protected-resource metadata could not be fetched.", status: response.status)
        }
        let metadata = try decodeJSON(ProtectedResourceMetadata.self, from: response.body, status: response.status,
                                      what: "The protected-resource metadata")
        guard metadata.resource == expectedResource else {
            throw ClientError(.resourceMismatch, "The protected-resource metadata describes another resource.",
                              expected: expectedResource, actual: metadata.resource)
        }
        return metadata
    }
}
