import HTTPTypes
public import Hummingbird
import TesseraCore

extension Provider {
    /// Every public endpoint, at Auth0's paths, plus `/healthz`, `/readyz` and — unless an admin
    /// listener serves it instead — `/metrics`.
    ///
    /// - Parameters:
    ///   - servesMetrics: false when ``adminRouter(adding:)`` serves `/metrics` on its own port, so
    ///     the public port no longer shows the process's counters to the internet.
    ///   - extraRoutes: more routes on the same router (the management API when there is no admin
    ///     listener).
    ///
    /// ```swift
    /// let app = Application(router: provider.router(), services: provider.services)
    /// ```
    public func router(
        servesMetrics: Bool = true,
        adding extraRoutes: (Router<ProviderRequestContext>) throws -> Void = { _ in }
    ) rethrows -> Router<ProviderRequestContext> {
        let pages = Pages()
        let authenticator = ClientAuthenticator(clients: clients)
        let issuer = TokenIssuer(configuration: configuration, keyRing: keyRing)
        let cookies = ProviderCookies(secure: configuration.secureCookies, sessionLifetime: configuration.sessionLifetime)
        let flow = AuthorizationFlow(configuration: configuration, clients: store, apis: store, clientGrants: store, sessions: store, codes: store,
                                     consents: store, pages: pages, cookies: cookies, csrf: csrf, clock: clock, keyRing: keyRing)
        let grants: [any GrantHandler] = [
            AuthorizationCodeGrant(store: store, issuer: issuer, clock: clock),
            RefreshTokenGrant(store: store, refreshTokens: store, apis: store, clientGrants: store, issuer: issuer, clock: clock),
            ClientCredentialsGrant(apis: store, clientGrants: store, store: store, issuer: issuer, clock: clock),
        ]
        let token = TokenEndpoint(
            authenticator: authenticator,
            grants: Dictionary(uniqueKeysWithValues: grants.map { ($0.grantType, $0) }),
            dpop: dpop, url: configuration.url("/oauth/token"),
            maxBodyBytes: configuration.maxBodyBytes)
        let authorize = AuthorizeEndpoint(flow: flow, pushedRequests: PushedRequestResolution(pushedRequests: store, clock: clock))
        let pushedAuthorization = PushedAuthorizationEndpoint(authenticator: authenticator, flow: flow, pushedRequests: store, dpop: dpop,
                                                              url: configuration.url(PushedAuthorizationEndpoint.path), clock: clock,
                                                              maxBodyBytes: configuration.maxBodyBytes)
        let passwordLogin = PasswordLogin(users: store, passwords: passwords,
                                          throttle: LoginThrottle(failures: store, policy: configuration.loginThrottle),
                                          inFlight: AccountsInFlight())
        let login = LoginEndpoint(flow: flow, sessions: store, credentials: passwordLogin,
                                  clientAddress: ClientAddressResolver(trustedProxies: configuration.trustedProxies),
                                  maxBodyBytes: configuration.maxBodyBytes)
        let consent = ConsentEndpoint(flow: flow, maxBodyBytes: configuration.maxBodyBytes)
        let userInfo = UserInfoEndpoint(accessTokens: store, users: store, keyRing: keyRing, clock: clock,
                                        maxBodyBytes: configuration.maxBodyBytes,
                                        dpop: ResourceDPoPCheck(proofs: dpop, url: configuration.url("/userinfo"), policy: configuration.dpop.proofPolicy))
        let revoke = RevokeEndpoint(authenticator: authenticator, refreshTokens: store, accessTokens: store, keyRing: keyRing, clock: clock,
                                    maxBodyBytes: configuration.maxBodyBytes)
        let discovery = DiscoveryEndpoint(configuration: configuration)
        let jwks = JWKSEndpoint(keyRing: keyRing)
        let introspect = IntrospectEndpoint(configuration: configuration, authenticator: authenticator, accessTokens: store,
                                            refreshTokens: store, clientGrants: store, keyRing: keyRing, clock: clock)
        let logout = LogoutEndpoint(configuration: configuration, clients: store, sessions: store, keyRing: keyRing,
                                    cookies: cookies, csrf: csrf, pages: pages, clock: clock)

        let router = operationsRouter(servesMetrics: servesMetrics)
        router.get("/authorize") { await authorize.respond(to: $0, context: $1) }
        router.post("/authorize") { await authorize.respond(to: $0, context: $1) }
        router.post("/login") { await login.respond(to: $0, context: $1) }
        router.post("/consent") { await consent.respond(to: $0, context: $1) }
        for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] {
            router.on("/oauth/token", method: method) { await token.respond(to: $0, context: $1) }
            router.on("/oauth/revoke", method: method) { await revoke.respond(to: $0, context: $1) }
            router.on("/oauth/introspect", method: method) { await introspect.respond(to: $0, context: $1) }
            router.on(RouterPath(PushedAuthorizationEndpoint.path), method: method) { await pushedAuthorization.respond(to: $0, context: $1) }
        }
        router.get("/userinfo") { await userInfo.respond(to: $0, context: $1) }
        router.post("/userinfo") { await userInfo.respond(to: $0, context: $1) }
        router.get("/.well-known/openid-configuration") { discovery.respond(to: $0, context: $1) }
        router.get("/.well-known/oauth-authorization-server") { discovery.respond(to: $0, context: $1) }
        router.get("/.well-known/jwks.json") { jwks.respond(to: $0, context: $1) }
        router.get("/oidc/logout") { await logout.oidcLogout($0, context: $1) }
        router.post("/oidc/logout") { await logout.oidcLogout($0, context: $1) }
        router.get("/v2/logout") { await logout.auth0Logout($0, context: $1) }
        addRegistrationRoutes(to: router)
        try extraRoutes(router)
        return router
    }
}
