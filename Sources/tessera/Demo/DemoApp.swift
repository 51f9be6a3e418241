import Foundation
import Hummingbird
import Logging
import TesseraClient
import TesseraCore
import TesseraHummingbird

/// The email and password `tessera demo` prints. The password is fixed and documented rather
/// than random: the provider has no way to reset a password, so a random one printed on a later
/// start would not be the one stored.
struct DemoCredentials: Sendable {
    static let demoUser = DemoCredentials(email: "demo@example.com", password: "tessera-demo")

    let email: String
    let password: String
}

/// The example relying party of `tessera demo`: a Hummingbird app that logs in through the
/// provider with TesseraHummingbird. `/` and `/dashboard` are its own; `/login`, `/callback` and
/// `/logout` are the library's.
struct DemoApp: Sendable {
    let login: OIDCLogin<BasicOIDCRequestContext>
    let pages = DemoPages()
    /// The demo's protected API, which the dashboard calls with the user's access token.
    let apiIdentifier: String
    let transport: any HTTPTransport = AsyncHTTPClientTransport()

    /// The app at `appURL`, a client of `client` registered with `appURL/callback` as its
    /// redirect URI and `appURL/` as its post-logout redirect URI. Its logins ask for an access
    /// token for the API `apiIdentifier` (Auth0's `audience`) with the API's permission.
    init(client: OIDCClient, appURL: String, apiIdentifier: String) {
        var configuration = OIDCLoginConfiguration()
        configuration.postLogoutRedirectURI = appURL + "/"
        configuration.afterLoginPath = "/dashboard"
        configuration.scope = Scope(configuration.scope.tokens + [DemoAPI.scope])
        configuration.additionalAuthorizationParameters = [("audience", apiIdentifier)]
        self.login = OIDCLogin(client: client, configuration: configuration, context: BasicOIDCRequestContext.self)
        self.apiIdentifier = apiIdentifier
    }

    func router() -> Router<BasicOIDCRequestContext> {
        let router = Router(context: BasicOIDCRequestContext.self)
        router.add(middleware: login.sessionMiddleware)
        router.addRoutes(login.routes)
        router.get("/") { _, context in
            pages.home(email: context.oidc.claims.map { $0.email ?? $0.subject }, demoUser: .demoUser)
        }
        router.group("/dashboard").add(middleware: login.requireLogin).get { _, context in
            await dashboard(context)
        }
        return router
    }

    /// The user's id_token claims, what `/userinfo` says when asked with the access token, and
    /// when that token expires — never the token itself.
    private func dashboard(_ context: BasicOIDCRequestContext) async -> Response {
        guard let tokens = context.oidc.tokens else { return Response(status: .unauthorized) }
        let claims = tokens.idTokenClaims
        var userInfo: [DemoPages.Claim] = []
        var userInfoError: String?
        do {
            let object = try await login.client.userInfo(for: tokens).decode([String: ClaimText].self)
            userInfo = object.keys.sorted().map { DemoPages.Claim(name: $0, value: object[$0]?.text ?? "") }
        } catch {
            userInfoError = "userinfo failed: \((error as? OAuthError)?.code.rawValue ?? String(describing: type(of: error)))"
        }
        let api = await callAPI(with: tokens)
        return pages.dashboard(claims: claims.map(Self.rows) ?? [], email: claims?.email ?? claims?.subject ?? "?",
                               expiresAt: tokens.expiresAt, now: Date(), hasRefreshToken: tokens.refreshToken != nil,
                               userInfo: userInfo, userInfoError: userInfoError, api: api)
    }

    /// `GET /messages` of the demo API with the user's access token, sent from this server: the
    /// page shows the API's answer, or why there is none, never the token.
    private func callAPI(with tokens: TokenSet) async -> DemoPages.APIResult {
        let url = apiIdentifier + "messages"
        guard let endpoint = URL(string: url) else { return .init(url: url, answer: nil, error: "The API's URL is not a URL.") }
        let request = TransportRequest(method: .get, url: endpoint, headers: [("Accept", "application/json")],
                                       authorization: Secret("Bearer " + tokens.accessToken.unredacted), timeout: .seconds(5))
        do {
            let response = try await transport.send(request)
            guard response.status == 200 else {
                let challenge = response.header("WWW-Authenticate").map { ": \($0)" } ?? ""
                return .init(url: url, answer: nil, error: "The API refused: HTTP \(response.status)\(challenge)")
            }
            return .init(url: url, answer: try JSONDecoder().decode(DemoAPI.Answer.self, from: Data(response.body)).message, error: nil)
        } catch {
            return .init(url: url, answer: nil,
                         error: "No answer from the API: \((error as? ClientError)?.code.rawValue ?? String(describing: type(of: error)))")
        }
    }

    /// The claims worth showing; the nonce and `at_hash` are bookkeeping of the login itself.
    private static func rows(_ claims: IDTokenClaims) -> [DemoPages.Claim] {
        func time(_ date: Date?) -> String? { date.map { $0.formatted(.iso8601) } }
        let rows: [(String, String?)] = [
            ("sub", claims.subject), ("email", claims.email), ("email_verified", claims.emailVerified.map { "\($0)" }),
            ("name", claims.name), ("iss", claims.issuer), ("aud", claims.audience.joined(separator: " ")),
            ("iat", time(claims.issuedAt)), ("exp", time(claims.expiresAt)), ("auth_time", time(claims.authTime)),
            ("sid", claims.sessionID),
        ]
        return rows.compactMap { name, value in value.map { DemoPages.Claim(name: name, value: $0) } }
    }
}

/// A JSON claim's value as text: `true` stays `true`, not the `1` an untyped decoder makes of it.
private struct ClaimText: Decodable {
    let text: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let bool = try? container.decode(Bool.self) {
            text = "\(bool)"
        } else if let string = try? container.decode(String.self) {
            text = string
        } else if let number = try? container.decode(Double.self) {
            text = number == number.rounded() && abs(number) < 1e15 ? "\(Int(number))" : "\(number)"
        } else {
            text = "(structured value)"
        }
    }
}
