public import Foundation
public import TesseraCore

/// RFC 7591 Dynamic Client Registration as two pure steps, for a client no administrator
/// registered — an MCP client meeting an authorization server for the first time: the POST of its
/// metadata, and the credentials read from the answer.
///
/// What comes back is secret twice over: the client secret (for a confidential client) and the
/// registration access token that reads, changes and deletes the registration (RFC 7592). Both
/// stay ``Secret``s; keep them where the client keeps its other secrets.
///
/// ```swift
/// let request = try DynamicClientRegistration.request(endpoint: registrationEndpoint, metadata: .init(
///     clientName: "My agent", redirectURIs: ["http://127.0.0.1:8976/callback"], tokenEndpointAuthMethod: "none"))
/// let registered = try DynamicClientRegistration.process(try await transport.send(request))
/// ```
public enum DynamicClientRegistration {
    /// The client metadata a registration sends (RFC 7591 §2), the fields a code-flow client needs.
    public struct Metadata: Sendable, Encodable, Equatable {
        public var clientName: String
        public var redirectURIs: [String]
        /// `client_secret_basic` (RFC 7591's default), `client_secret_post`, or `none` for a public
        /// native client that proves itself with PKCE.
        public var tokenEndpointAuthMethod: String
        public var grantTypes: [String]
        public var responseTypes: [String]
        public var scope: String?

        public init(clientName: String, redirectURIs: [String], tokenEndpointAuthMethod: String = "client_secret_basic",
                    grantTypes: [String] = ["authorization_code", "refresh_token"], responseTypes: [String] = ["code"],
                    scope: String? = nil) {
            self.clientName = clientName
            self.redirectURIs = redirectURIs
            self.tokenEndpointAuthMethod = tokenEndpointAuthMethod
            self.grantTypes = grantTypes
            self.responseTypes = responseTypes
            self.scope = scope
        }

        enum CodingKeys: String, CodingKey {
            case clientName = "client_name"
            case redirectURIs = "redirect_uris"
            case tokenEndpointAuthMethod = "token_endpoint_auth_method"
            case grantTypes = "grant_types"
            case responseTypes = "response_types"
            case scope
        }
    }

    /// A registration as the server answered it (RFC 7591 §3.2.1).
    public struct RegisteredClient: Sendable {
        public let clientID: String
        /// `nil` for a public client (`none`).
        public let clientSecret: Secret?
        /// Reads, changes and deletes the registration at ``registrationClientURI`` (RFC 7592).
        public let registrationAccessToken: Secret?
        public let registrationClientURI: String?
        public let redirectURIs: [String]
    }

    /// The POST of `metadata` as JSON to the server's `registration_endpoint`, with the initial
    /// access token when the server asks for one (RFC 7591 §3).
    public static func request(endpoint: String, metadata: Metadata, initialAccessToken: Secret? = nil,
                               timeout: Duration = .seconds(10)) throws(ClientError) -> TransportRequest {
        guard let url = URL(string: endpoint), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http" else {
            throw ClientError(.invalidConfiguration, "The registration endpoint is not an http(s) URL.", actual: endpoint)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let body = try? encoder.encode(metadata) else {
            throw ClientError(.invalidConfiguration, "The client metadata cannot be encoded as JSON.")
        }
        return TransportRequest(method: .post, url: url,
                                headers: [("Content-Type", "application/json"), ("Accept", "application/json")],
                                authorization: initialAccessToken.map { Secret("Bearer " + $0.unredacted) },
                                body: Secret(String(decoding: body, as: UTF8.self)), timeout: timeout)
    }

    /// The credentials of a 201 answer.
    /// - Throws: the server's refusal as an ``OAuthError`` (`invalid_redirect_uri`,
    ///   `invalid_client_metadata`, `invalid_token`, `too_many_requests`), or `.malformedResponse`.
    public static func process(_ response: TransportResponse) throws -> RegisteredClient {
        guard response.status == 201 || response.status == 200 else {
            throw ProviderErrorResponse.error(from: response, operation: "registration")
        }
        let answer = try decodeJSON(Answer.self, from: response.body, status: response.status, what: "The registration response")
        return RegisteredClient(clientID: answer.clientID, clientSecret: answer.clientSecret.map(Secret.init),
                                registrationAccessToken: answer.registrationAccessToken.map(Secret.init),
                                registrationClientURI: answer.registrationClientURI, redirectURIs: answer.redirectURIs ?? [])
    }

    private struct Answer: Decodable {
        let clientID: String
        let clientSecret: String?
        let registrationAccessToken: String?
        let registrationClientURI: String?
        let redirectURIs: [String]?

        enum CodingKeys: String, CodingKey {
            case clientID = "client_id"
            case clientSecret = "client_secret"
            case registrationAccessToken = "registration_access_token"
            case registrationClientURI = "registration_client_uri"
            case redirectURIs = "redirect_uris"
        }
    }
}
