import Testing
import TesseraCore

@Suite("The claims request parameter (OpenID Connect Core §5.5)")
struct ClaimsRequestTests {
    @Test("OIDC Core §5.5: id_token and userinfo members, each claim null or {essential, value, values}")
    func parsesBothMembers() throws {
        let request = try ClaimsRequest(json: """
            {"userinfo": {"given_name": {"essential": true}, "nickname": null, "email": {"essential": false}},
             "id_token": {"auth_time": {"essential": true}, "acr": {"values": ["urn:a", "urn:b"]}, "sub": {"value": "user_1"}}}
            """)
        #expect(request.userinfo == ["given_name": .init(essential: true), "nickname": .init(), "email": .init(essential: false)])
        #expect(request.idToken["auth_time"] == .init(essential: true))
        #expect(request.idToken["acr"]?.values == [.string("urn:a"), .string("urn:b")])
        #expect(request.idToken["sub"]?.value == .string("user_1"))
        #expect(request.requiredSubject == "user_1")
    }

    @Test("OIDC Core §5.5: members not understood are ignored, at the top and inside a claim")
    func ignoresUnknownMembers() throws {
        let request = try ClaimsRequest(json: #"{"verified_claims": {"x": 1}, "userinfo": {"name": {"purpose": "to greet you"}}}"#)
        #expect(request.userinfo == ["name": .init()])
        #expect(request.idToken.isEmpty)
        #expect(try ClaimsRequest(json: "{}").isEmpty)
        #expect(try ClaimsRequest(json: #"{"userinfo": null}"#).isEmpty)
    }

    @Test("OIDC Core §5.5: what cannot be a claims request is refused with a description naming the fault", arguments: [
        ("not json", "not valid JSON"),
        ("[]", "must be a JSON object"),
        (#""userinfo""#, "must be a JSON object"),
        (#"{"userinfo": ["name"]}"#, "claims.userinfo must be a JSON object"),
        (#"{"id_token": "email"}"#, "claims.id_token must be a JSON object"),
        (#"{"id_token": {"email": true}}"#, "claims.id_token.email must be null or a JSON object"),
        (#"{"userinfo": {"email": {"essential": "yes"}}}"#, "claims.userinfo.email.essential must be true or false"),
        (#"{"id_token": {"acr": {"values": "urn:a"}}}"#, "claims.id_token.acr.values must be a JSON array"),
    ])
    func refusesWrongShapes(json: String, fault: String) {
        #expect {
            try ClaimsRequest(json: json)
        } throws: { error in
            (error as? ClaimsRequestError)?.description.contains(fault) == true
        }
    }

    @Test("the stored form parses back to the same request, so a refresh honours what the authorization asked")
    func roundTrips() throws {
        let request = try ClaimsRequest(json: #"{"userinfo": {"picture": null}, "id_token": {"email": {"essential": true, "values": [1, "a", false]}}}"#)
        #expect(try ClaimsRequest(json: request.json) == request)
    }
}
