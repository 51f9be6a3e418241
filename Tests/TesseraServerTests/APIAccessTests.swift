import Testing
import TesseraCore
@testable import TesseraServer

@Suite("Who may get what: client grants (APIAccess) and who may introspect (TokenVisibility)")
struct APIAccessTests {
    static let orders = API(identifier: "https://api.example.com/orders", name: "Orders", scopes: "read:orders write:orders")

    /// Whether `body` throws an ``OAuthError`` with `code`.
    static func code(_ code: OAuthError.Code, _ body: () throws -> Scope) -> Bool {
        do {
            _ = try body()
            return false
        } catch {
            return (error as? OAuthError)?.code == code
        }
    }

    static func access(granting scopes: Scope?) -> APIAccess {
        APIAccess(api: orders, grant: scopes.map { ClientGrant(clientID: "app", apiIdentifier: orders.identifier, scopes: $0) })
    }

    @Test("machine client without a grant: unauthorized_client, whatever it asks")
    func machineWithoutGrant() {
        for asked: Scope? in [nil, "read:orders", ""] {
            #expect(Self.code(.unauthorizedClient) { try Self.access(granting: nil).machineScope(asked: asked) })
        }
    }

    @Test("machine client: the intersection of asked and granted; nothing asked is everything granted", arguments: [
        (Scope?.none, Scope("read:orders")),
        (Scope?.some("read:orders write:orders"), Scope("read:orders")),
        (Scope?.some("write:orders"), Scope("")),
        (Scope?.some("read:orders"), Scope("read:orders")),
    ])
    func machineIntersection(asked: Scope?, expected: Scope) throws {
        #expect(try Self.access(granting: "read:orders").machineScope(asked: asked) == expected)
    }

    @Test("machine client asking for a permission the API does not define: invalid_scope")
    func machineUndefinedPermission() {
        #expect(Self.code(.invalidScope) { try Self.access(granting: "read:orders").machineScope(asked: "delete:orders") })
    }

    @Test("a grant's permission the API no longer defines is never issued")
    func grantWiderThanAPI() throws {
        #expect(try Self.access(granting: "read:orders admin:all").machineScope(asked: nil) == "read:orders")
    }

    @Test("user flow without a grant: access_denied")
    func userWithoutGrant() {
        #expect(Self.code(.accessDenied) {
            try Self.access(granting: nil).userScope(asked: "openid read:orders", identityScopes: AuthorizationRequest.supportedScopes)
        })
    }

    @Test("user flow: identity scopes stay as asked, API permissions capped to the grant, the rest dropped")
    func userIntersection() throws {
        let scope = try Self.access(granting: "read:orders").userScope(
            asked: "openid email offline_access read:orders write:orders delete:everything", identityScopes: AuthorizationRequest.supportedScopes)
        #expect(scope == "openid email offline_access read:orders")
    }

    @Test("OpenID Connect Core §11: a third-party user flow without a grant may ask for any permission the API defines (consent decides), nothing else")
    func thirdPartyWithoutGrant() throws {
        let scope = try Self.access(granting: nil).userScope(
            asked: "openid offline_access read:orders write:orders delete:everything", identityScopes: AuthorizationRequest.supportedScopes,
            thirdParty: true)
        #expect(scope == "openid offline_access read:orders write:orders")
        #expect(Self.access(granting: nil).userPermitted(thirdParty: true) == Self.orders.scopes)
    }

    @Test("a third-party client with a grant: the grant limits what consent can give")
    func thirdPartyWithGrant() throws {
        let scope = try Self.access(granting: "read:orders").userScope(
            asked: "openid read:orders write:orders", identityScopes: AuthorizationRequest.supportedScopes, thirdParty: true)
        #expect(scope == "openid read:orders")
        #expect(Self.access(granting: "read:orders").userPermitted(thirdParty: true) == "read:orders")
    }

    @Test("a first-party user flow still needs a grant: no permissions without one")
    func firstPartyStillNeedsGrant() {
        #expect(Self.access(granting: nil).userPermitted(thirdParty: false) == nil)
        #expect(Self.code(.accessDenied) {
            try Self.access(granting: nil).userScope(asked: "openid read:orders", identityScopes: AuthorizationRequest.supportedScopes,
                                                     thirdParty: false)
        })
    }

    static func grant(client: String) -> Grant {
        Grant(id: "g", clientID: client, userID: "user", scope: "openid", createdAt: 0, expiresAt: 100)
    }

    @Test("another client introspects my refresh token: not visible")
    func refreshVisibility() {
        let victim = Client(id: "victim", name: "V", secretHash: SecretHash(stored: "h"), redirectURIs: [], grantTypes: [.authorizationCode])
        let other = Client(id: "other", name: "O", secretHash: SecretHash(stored: "h"), redirectURIs: [], grantTypes: [.clientCredentials])
        #expect(TokenVisibility.mayIntrospectRefreshToken(of: Self.grant(client: "victim"), caller: victim))
        #expect(!TokenVisibility.mayIntrospectRefreshToken(of: Self.grant(client: "victim"), caller: other))
    }

    @Test("an access token: visible to its client, and to a client granted its API — not to a grant for another API or for another client")
    func accessVisibility() {
        let token = AccessTokenRecord(grant: Self.grant(client: "app"), scope: "read:orders", audience: Self.orders.identifier,
                                      createdAt: 0, expiresAt: 100, revokedAt: nil)
        let opaque = AccessTokenRecord(grant: Self.grant(client: "app"), scope: "openid", audience: nil, createdAt: 0, expiresAt: 100, revokedAt: nil)
        let app = Client(id: "app", name: "A", secretHash: SecretHash(stored: "h"), redirectURIs: [], grantTypes: [.authorizationCode])
        let resourceServer = Client(id: "rs", name: "RS", secretHash: SecretHash(stored: "h"), redirectURIs: [], grantTypes: [.clientCredentials])
        let ordersGrant = ClientGrant(clientID: "rs", apiIdentifier: Self.orders.identifier, scopes: "")
        let billingGrant = ClientGrant(clientID: "rs", apiIdentifier: "https://api.example.com/billing", scopes: "")
        let someoneElsesGrant = ClientGrant(clientID: "app", apiIdentifier: Self.orders.identifier, scopes: "")

        #expect(TokenVisibility.mayIntrospectAccessToken(token, caller: app, callerGrant: nil))
        #expect(TokenVisibility.mayIntrospectAccessToken(opaque, caller: app, callerGrant: nil))
        #expect(TokenVisibility.mayIntrospectAccessToken(token, caller: resourceServer, callerGrant: ordersGrant))
        #expect(!TokenVisibility.mayIntrospectAccessToken(token, caller: resourceServer, callerGrant: nil))
        #expect(!TokenVisibility.mayIntrospectAccessToken(token, caller: resourceServer, callerGrant: billingGrant))
        #expect(!TokenVisibility.mayIntrospectAccessToken(token, caller: resourceServer, callerGrant: someoneElsesGrant))
        #expect(!TokenVisibility.mayIntrospectAccessToken(opaque, caller: resourceServer, callerGrant: ordersGrant))
    }
}
