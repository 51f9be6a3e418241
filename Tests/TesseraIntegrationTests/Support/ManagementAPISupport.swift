import Foundation
import NIOHTTP1
import Testing
import TesseraCore
import TesseraServer

/// A machine client holding a management API token, as an automation script would: registered,
/// granted ``Provider/managementAudience`` with `scopes`, token from client_credentials.
struct ManagementSession: Sendable {
    let server: TestServer
    let machine: TestServer.RegisteredClient
    let token: String

    /// `METHOD /api/v2<path>` with the session's token and, when given, a JSON body.
    func call(_ method: HTTPMethod, _ path: String, json: Any? = nil) async throws -> HTTPResult {
        var body: String?
        if let json { body = String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self) }
        return try await call(method, path, body: body)
    }

    /// The same with a body sent as it is (malformed on purpose, say).
    func call(_ method: HTTPMethod, _ path: String, body: String?) async throws -> HTTPResult {
        var headers = [("Authorization", "Bearer \(token)")]
        if body != nil { headers.append(("Content-Type", "application/json")) }
        return try await send(method, server.url("/api/v2" + path), headers: headers, body: body)
    }

    /// The JSON array of a list answered without `include_totals`.
    func list(_ path: String) async throws -> [[String: Any]] {
        let result = try await call(.GET, path)
        #expect(result.status == 200, "\(path): \(result.status) \(result.body)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.body.utf8)) as? [[String: Any]], "\(result.body)")
    }
}

extension TestServer {
    /// A machine client granted the management API with `scopes` (all of them by default), and its token.
    /// The management API is registered first, as `tessera serve` does when it starts (test servers
    /// leave it out otherwise, so other suites' API lists stay as they set them).
    func managementSession(scopes: [String] = Provider.managementScopes) async throws -> ManagementSession {
        try await provider.registerManagementAPI()
        let machine = try await addClient(grantTypes: [.clientCredentials])
        try await grant(machine, provider.managementAudience, scopes: Scope(scopes))
        let response = try await clientCredentials(machine, audience: provider.managementAudience)
        let token = try #require(response.json["access_token"] as? String, "\(response.status) \(response.body)")
        return ManagementSession(server: self, machine: machine, token: token)
    }

    /// `Authorization: Bearer <token>` on a management path, with no body.
    func managementCall(_ method: HTTPMethod, _ path: String, bearer token: String? = nil) async throws -> HTTPResult {
        try await send(method, url("/api/v2" + path), headers: token.map { [("Authorization", "Bearer \($0)")] } ?? [])
    }
}

extension HTTPResult {
    /// The `errorCode` of Auth0's error body, after checking the body has Auth0's shape.
    var auth0ErrorCode: String? {
        guard json["statusCode"] as? Int == status, json["error"] is String, json["message"] is String else { return nil }
        return json["errorCode"] as? String
    }
}
