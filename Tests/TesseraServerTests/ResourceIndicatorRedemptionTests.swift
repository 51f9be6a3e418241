import Testing
import TesseraCore
@testable import TesseraServer

/// What `resource` may name at the code and refresh exchanges (RFC 8707 §2.2), in-process.
@Suite("RFC 8707 §2.2: resource at the code and refresh exchanges (in-process)")
struct ResourceIndicatorRedemptionTests {
    static let orders = "https://api.example.com/orders"

    static func grant(audience: String?) -> Grant {
        Grant(id: "g", clientID: "app", userID: "u", scope: "openid", audience: audience, createdAt: 0, expiresAt: 60)
    }

    @Test("RFC 8707 §2.2: no resource, or the grant's own, passes; another API or one for a grant without an API is invalid_target")
    func check() throws {
        try ResourceIndicator.check(nil, isFor: Self.grant(audience: Self.orders))
        try ResourceIndicator.check(nil, isFor: Self.grant(audience: nil))
        try ResourceIndicator.check(Self.orders, isFor: Self.grant(audience: Self.orders))
        for (resource, audience) in [("https://api.example.com/billing", Self.orders), (Self.orders, nil)] as [(String, String?)] {
            let error = #expect(throws: OAuthError.self) { try ResourceIndicator.check(resource, isFor: Self.grant(audience: audience)) }
            #expect(error?.code == .invalidTarget)
        }
    }

    @Test("RFC 8707 §2.2: an audience alone is not read at these grants (as Auth0 ignores it); beside a resource it must agree")
    func redeemed() throws {
        let audienceOnly = TokenRequest(grantType: .refreshToken, audience: "https://api.example.com/billing")
        #expect(try ResourceIndicator.redeemed(by: audienceOnly) == nil)
        let agreeing = TokenRequest(grantType: .refreshToken, audience: Self.orders, resources: [Self.orders])
        #expect(try ResourceIndicator.redeemed(by: agreeing) == Self.orders)
        let conflicting = TokenRequest(grantType: .refreshToken, audience: "https://api.example.com/billing", resources: [Self.orders])
        #expect((#expect(throws: OAuthError.self) { try ResourceIndicator.redeemed(by: conflicting) })?.code == .invalidTarget)
    }
}
