import Foundation
import Testing
import TesseraCore

/// The pure rules of RFC 8707 resource indicators beside Auth0's `audience`.
@Suite("RFC 8707: resource indicators (pure)")
struct ResourceIndicatorRuleTests {
    static let api = "https://api.example.com/orders"

    @Test("RFC 8707 §2: audience alone, resource alone, or both equal name one API; neither names none")
    func oneAPI() throws {
        #expect(try ResourceIndicator.target(audience: Self.api, resources: []) == Self.api)
        #expect(try ResourceIndicator.target(audience: nil, resources: [Self.api]) == Self.api)
        #expect(try ResourceIndicator.target(audience: Self.api, resources: [Self.api]) == Self.api)
        #expect(try ResourceIndicator.target(audience: nil, resources: []) == nil)
        #expect(try ResourceIndicator.target(audience: "orders-api", resources: []) == "orders-api", "an Auth0 audience need not be a URI")
        #expect(try ResourceIndicator.target(audience: nil, resources: ["urn:example:orders"]) == "urn:example:orders")
    }

    @Test("RFC 8707 §2: several resources, a fragment, a relative URI, or a resource that differs from audience is invalid_target",
          arguments: [
              (nil, [api, "https://api.example.com/billing"]), (nil, [api, api]), (nil, [api + "#x"]), (nil, ["/orders"]),
              (nil, ["api.example.com/orders"]), ("https://api.example.com/billing", [api]),
          ] as [(String?, [String])])
    func refused(audience: String?, resources: [String]) {
        let error = #expect(throws: OAuthError.self) { try ResourceIndicator.target(audience: audience, resources: resources) }
        #expect(error?.code == .invalidTarget)
        #expect(error?.status == 400)
        #expect(error?.description?.isEmpty == false)
    }

    @Test("RFC 8707 §2: resource may repeat in a form; other parameters may not")
    func repeatedInForm() throws {
        let parameters = try OAuthParameters(form: "grant_type=client_credentials&resource=a%3Ab&resource=c%3Ad&resource=")
        #expect(parameters.values(of: "resource") == ["a:b", "c:d"])
        #expect(try TokenRequest(parameters).resources == ["a:b", "c:d"])
        #expect(parameters.values(of: "grant_type") == ["client_credentials"])
        #expect(parameters.values(of: "scope") == [])
        let error = #expect(throws: OAuthError.self) { try OAuthParameters(form: "audience=a&audience=b") }
        #expect(error?.code == .invalidRequest)
    }

    @Test("RFC 8707 §2: in JSON, resource is a string or an array of strings; a repeated resource key is invalid_target")
    func repeatedInJSON() throws {
        #expect(try OAuthParameters(json: Data(#"{"resource":["a:b","c:d"]}"#.utf8)).values(of: "resource") == ["a:b", "c:d"])
        #expect(try OAuthParameters(json: Data(#"{"resource":"a:b"}"#.utf8)).values(of: "resource") == ["a:b"])
        let repeated = #expect(throws: OAuthError.self) { try OAuthParameters(json: Data(#"{"resource":"a:b","resource":"c:d"}"#.utf8)) }
        #expect(repeated?.code == .invalidTarget)
        let notStrings = #expect(throws: OAuthError.self) { try OAuthParameters(json: Data(#"{"resource":[1]}"#.utf8)) }
        #expect(notStrings?.code == .invalidRequest)
        let otherArray = #expect(throws: OAuthError.self) { try OAuthParameters(json: Data(#"{"scope":["a"]}"#.utf8)) }
        #expect(otherArray?.code == .invalidRequest)
    }

    @Test("RFC 8707 §2: a TokenRequest sends each resource as its own form parameter")
    func formParameters() {
        let request = TokenRequest.clientCredentials(resource: Self.api, scope: "read:orders")
        #expect(request.formParameters.map(\.name) == ["grant_type", "scope", "resource"])
        let refresh = TokenRequest.refresh(Secret("r"), resources: [Self.api, "https://api.example.com/billing"])
        #expect(refresh.formParameters.filter { $0.name == "resource" }.map(\.value) == [Self.api, "https://api.example.com/billing"])
        let exchange = TokenRequest.authorizationCode(code: Secret("c"), redirectURI: nil, codeVerifier: nil, resources: [Self.api])
        #expect(exchange.formParameters.last?.value == Self.api)
    }
}
