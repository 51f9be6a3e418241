import HTTPTypes
import Hummingbird
import Logging
import Synchronization
import TesseraCore
import TesseraServer

/// The gate in front of every management route: the request must carry a live Bearer access
/// token of this provider for the management audience (``Provider/managementCaller(of:context:)``, the
/// check `/userinfo` makes too). Refused: 401 with a `WWW-Authenticate: Bearer` challenge (RFC 6750
/// §3) and Auth0's error body. Accepted: the caller is known to the handler for the request's
/// duration (``ManagementRequest/caller``), which checks the operation's permission itself.
struct ManagementAuthentication: RouterMiddleware {
    typealias Context = ProviderRequestContext
    let provider: Provider

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let caller: ManagementCaller
        do {
            guard let found = try await provider.managementCaller(of: request, context: context) else {
                return ManagementRefusal(
                    status: 401, errorCode: "invalid_token",
                    message: "An access token is required: send 'Authorization: Bearer <token>' for the audience \(provider.managementAudience).",
                    challenge: #"Bearer realm="tessera""#
                ).response
            }
            caller = found
        } catch let error as OAuthError {
            return ManagementRefusal(error).response
        } catch {
            context.logger.error("management API token check failed", metadata: ["error.type": .string(String(describing: type(of: error)))])
            return ManagementRefusal(status: 500, errorCode: "server_error", message: "The request could not be completed; try again.").response
        }
        let challenge = ManagementRequest.Challenge()
        var response = try await ManagementRequest.$caller.withValue(caller) {
            try await ManagementRequest.$challenge.withValue(challenge) {
                try await next(request, context)
            }
        }
        if let value = challenge.value { response.headers[.wwwAuthenticate] = value }
        return response
    }
}

/// What the request being handled was authenticated as; set by ``ManagementAuthentication``
/// around the generated handlers, which are given no request context of their own.
enum ManagementRequest {
    @TaskLocal static var caller: ManagementCaller?
    @TaskLocal static var challenge: Challenge?

    /// The `WWW-Authenticate` challenge of a refusal, handed back to the middleware to send as it
    /// is: the generated code would percent-encode the quotes and spaces of a header value.
    final class Challenge: Sendable {
        private let storage = Mutex<String?>(nil)
        var value: String? {
            get { storage.withLock { $0 } }
            set { storage.withLock { $0 = newValue } }
        }
    }
}
