import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TesseraClient
import TesseraCore

/// `POST /backchannel-logout` (OpenID Connect Back-Channel Logout 1.0 §2.5–2.8): the provider
/// tells this app, server to server, that a user's session at the provider ended; every local
/// session that came from it ends too, so the browser's next request is not logged in.
///
/// The caller is the provider, not the browser: there is no cookie to read and no `Origin` to
/// check — the signed logout token is the proof (``OIDCClient/validateLogoutToken(_:maxAge:)``).
/// Answers 200 with `Cache-Control: no-store` once the sessions are gone (none matching is
/// success too); 400 `invalid_request` for a token that fails a check (§2.8); 503 when the JWKS
/// or the session store cannot be reached, so the provider tries again later.
struct BackchannelLogoutRoute: Sendable {
    let sessions: LoginSessions
    /// Logout tokens are a few KiB at most.
    static let maxBodyBytes = 64 * 1024

    func respond(to request: Request, context: some RequestContext) async -> Response {
        let logout: LogoutTokenClaims
        do {
            guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
                return Self.refusal("The request must be form-encoded (application/x-www-form-urlencoded).")
            }
            let body = try await request.body.collect(upTo: Self.maxBodyBytes)
            let tokens = (FormURLEncoding.decode(String(buffer: body)) ?? []).filter { $0.name == "logout_token" }
            guard tokens.count == 1, let token = tokens.first?.value, !token.isEmpty else {
                return Self.refusal("The request must carry exactly one logout_token.")
            }
            logout = try await sessions.client.validateLogoutToken(Secret(token))
        } catch let error as ClientError where !LoginSessions.isTransient(error) {
            context.logger.notice("oidc back-channel logout refused", metadata: ["error.code": "\(error.code)"])
            return Self.refusal("The logout token is not valid: \(error.message)")
        } catch {
            context.logger.warning("oidc back-channel logout deferred", metadata: ["error.code": "\(LoginSessions.code(of: error))"])
            return Self.unavailable()
        }
        do {
            let ended = try await sessions.store.removeSessions(endedBy: logout)
            context.logger.info("oidc back-channel logout", metadata: ["sessions": "\(ended)"])
            return Response(status: .ok, headers: [.cacheControl: "no-store"])
        } catch {
            LoginSessions.logStoreFailure(error, logger: context.logger)
            return error as? OIDCSessionStoreError == .backchannelLogoutUnsupported
                ? Self.json(["error": "server_error", "error_description": "This app cannot end sessions by the provider's session id."],
                            status: .notImplemented)
                : Self.unavailable()
        }
    }

    private static func refusal(_ description: String) -> Response {
        json(["error": "invalid_request", "error_description": description], status: .badRequest)
    }

    private static func unavailable() -> Response {
        json(["error": "temporarily_unavailable", "error_description": "The logout could not be processed now; try again later."],
             status: .serviceUnavailable)
    }

    private static func json(_ object: [String: String], status: HTTPResponse.Status) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
