import Foundation
public import Hummingbird
import OpenAPIHummingbird
import OpenAPIRuntime
public import TesseraServer

/// The management API: Auth0's Management API v2 shape at `/api/v2/…`, for automating clients,
/// users, APIs, client grants, signing keys and reading audit events without a shell on the server.
///
/// `openapi.yaml` beside this file is the API's description; its types and server protocol are
/// generated from it at build time (swift-openapi-generator), so the routes served are exactly
/// the document's. Every call needs a Bearer token for ``Provider/managementAudience`` with the
/// operation's permission (``ManagementAuthentication``), and every change goes through the one
/// administration layer the CLI uses, recorded as done by `management-api:CLIENT_ID`.
///
/// ```swift
/// let router = provider.router(adding: { try ManagementAPI(provider: provider).register(on: $0) })
/// ```
public struct ManagementAPI: Sendable {
    let provider: Provider

    public init(provider: Provider) {
        self.provider = provider
    }

    /// Adds `/api/v2/…` to `router`, behind the token check. Paths the document does not name stay
    /// 404, and the token check runs only on the document's routes.
    public func register(on router: Router<ProviderRequestContext>) throws {
        let group = router.group("/api/v2").add(middleware: ManagementAuthentication(provider: provider))
        try ManagementHandler(provider: provider).registerHandlers(
            on: group, serverURL: URL(string: "/")!, middlewares: [MalformedRequestRefusal()])
    }
}
