import Testing
import TesseraCore
@testable import TesseraServer

@Suite("Who must be asked: ConsentPolicy")
struct ConsentPolicyTests {
    static let thirdParty = Client(id: "tp", name: "TP", secretHash: nil, redirectURIs: [], grantTypes: [.authorizationCode], isThirdParty: true)
    static let firstParty = Client(id: "fp", name: "FP", secretHash: nil, redirectURIs: [], grantTypes: [.authorizationCode])

    static func consent(_ scope: Scope) -> Consent {
        Consent(userID: "u", clientID: "tp", audience: nil, scope: scope, createdAt: 0, updatedAt: 0)
    }

    @Test("first-party clients are never asked, whatever the prompt")
    func firstParty() {
        for prompt: Set<String> in [[], ["consent"], ["none"]] {
            #expect(ConsentPolicy.decide(client: Self.firstParty, scope: "openid offline_access", prompt: prompt, remembered: nil) == .granted)
        }
    }

    @Test("OpenID Connect Core §3.1.2.4: a third-party client without consent is asked; prompt=none answers consent_required (§3.1.2.6)")
    func withoutConsent() {
        #expect(ConsentPolicy.decide(client: Self.thirdParty, scope: "openid", prompt: [], remembered: nil) == .ask)
        #expect(ConsentPolicy.decide(client: Self.thirdParty, scope: "openid", prompt: ["none"], remembered: nil) == .required)
        #expect(ConsentPolicy.decide(client: Self.thirdParty, scope: "", prompt: [], remembered: nil) == .ask, "even an empty request is asked about once")
    }

    @Test("remembered consent covers a subset; more scopes (offline_access too) ask again; prompt=consent always asks")
    func remembered() {
        let consent = Self.consent("openid email read:x")
        #expect(ConsentPolicy.decide(client: Self.thirdParty, scope: "openid read:x", prompt: [], remembered: consent) == .granted)
        #expect(ConsentPolicy.decide(client: Self.thirdParty, scope: "openid read:x", prompt: ["none"], remembered: consent) == .granted)
        #expect(ConsentPolicy.decide(client: Self.thirdParty, scope: "openid offline_access", prompt: [], remembered: consent) == .ask)
        #expect(ConsentPolicy.decide(client: Self.thirdParty, scope: "openid offline_access", prompt: ["none"], remembered: consent) == .required)
        #expect(ConsentPolicy.decide(client: Self.thirdParty, scope: "openid", prompt: ["consent"], remembered: consent) == .ask)
    }

    @Test("approving more remembers the union, nothing forgotten, nothing twice")
    func union() {
        #expect(ConsentPolicy.remembered(after: "openid profile", previously: nil) == "openid profile")
        #expect(ConsentPolicy.remembered(after: "openid profile", previously: Self.consent("openid email")) == "openid email profile")
    }

    @Test("identity scopes are worded for people; API permissions are not (the page shows them as the API names them)")
    func wording() {
        for scope in ["openid", "profile", "email", "address", "phone", "offline_access"] {
            #expect(ConsentPolicy.wording(of: scope) != nil, "\(scope)")
        }
        #expect(ConsentPolicy.wording(of: "read:orders") == nil)
    }
}
