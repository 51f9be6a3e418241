import Testing
import TesseraCore
@testable import TesseraServer

@Suite("Standard claim values as `tessera users add|update` take them (OpenID Connect Core §5.1)")
struct StandardClaimValueTests {
    @Test("OIDC Core §5.1: well-formed values are kept, booleans as booleans", arguments: [
        ("given_name", "Alice", JSONValue.string("Alice")),
        ("birthdate", "1990-04-01", .string("1990-04-01")),
        ("birthdate", "0000-02-29", .string("0000-02-29")),
        ("birthdate", "2000-02-29", .string("2000-02-29")),
        ("birthdate", "1990", .string("1990")),
        ("zoneinfo", "America/Argentina/Buenos_Aires", .string("America/Argentina/Buenos_Aires")),
        ("zoneinfo", "UTC", .string("UTC")),
        ("locale", "en-US", .string("en-US")),
        ("locale", "fr", .string("fr")),
        ("website", "https://alice.example/", .string("https://alice.example/")),
        ("phone_number", "+1 (425) 555-1212", .string("+1 (425) 555-1212")),
        ("phone_number", "+1 (604) 555-1234;ext=5678", .string("+1 (604) 555-1234;ext=5678")),
        ("phone_number_verified", "true", .bool(true)),
        ("email_verified", "false", .bool(false)),
    ])
    func accepts(claim: String, text: String, value: JSONValue) throws {
        #expect(try StandardClaimValue.parse(claim, text) == value)
    }

    @Test("OIDC Core §5.1: malformed values and claims that are not settable are refused", arguments: [
        ("sub", "x"), ("email", "a@example.com"), ("updated_at", "1"), ("address", "Paris"), ("favourite_colour", "blue"),
        ("email_verified", "yes"), ("phone_number_verified", "1"),
        ("birthdate", "1990-02-29"), ("birthdate", "1990-13-01"), ("birthdate", "90-01-01"), ("birthdate", "1990-1-1"), ("birthdate", "0000"),
        ("zoneinfo", "Europe/ Paris"), ("zoneinfo", "/Paris"), ("locale", "english"), ("locale", "en_US"),
        ("picture", "not a url"), ("website", "ftp://alice.example/"), ("profile", "https://"),
        ("phone_number", "call me"), ("phone_number", "+1 555 0100;x=1"),
        ("nickname", "  "), ("nickname", "two\nlines"),
    ])
    func refuses(claim: String, text: String) {
        #expect(throws: RegistrationError.self) { try StandardClaimValue.parse(claim, text) }
    }

    @Test("OIDC Core §5.1.1: the address is an object of its six string members, line breaks only where lines belong")
    func address() throws {
        let value = try StandardClaimValue.address(json: #"{"street_address": "1 Main St\nApt 2", "locality": "Springfield", "country": "US"}"#)
        #expect(value.object?["locality"] == .string("Springfield"))
        for bad in ["[]", "{}", "Paris", #"{"city": "Paris"}"#, #"{"locality": 75}"#, #"{"locality": "Par\nis"}"#, #"{"country": ""}"#] {
            #expect(throws: RegistrationError.self, "\(bad)") { try StandardClaimValue.address(json: bad) }
        }
    }

    @Test("a change is checked whole: a claim twice, set and unset, or email_verified unset is refused")
    func profileChange() throws {
        #expect(throws: RegistrationError.self) { try ProfileChange(claims: ["nickname=a", "nickname=b"]) }
        #expect(throws: RegistrationError.self) { try ProfileChange(name: "A", claims: ["name=B"]) }
        #expect(throws: RegistrationError.self) { try ProfileChange(claims: ["nickname=a"], unset: ["nickname"]) }
        #expect(throws: RegistrationError.self) { try ProfileChange(unset: ["email_verified"]) }
        #expect(throws: RegistrationError.self) { try ProfileChange(unset: ["email"]) }
        #expect(throws: RegistrationError.self) { try ProfileChange(claims: ["nickname"]) }

        var user = User(id: "user_1", email: "a@example.com", name: "Alice", emailVerified: true, passwordHash: "x",
                        claims: ["nickname": .string("Al"), "locale": .string("en")])
        try ProfileChange(claims: ["given_name=Alice", "email_verified=false"], unset: ["nickname", "name"]).apply(to: &user)
        #expect(user.claims == ["given_name": .string("Alice"), "locale": .string("en")])
        #expect(user.emailVerified == false)
        #expect(user.standardClaims["name"] == nil, "an unset name is released as absent")
    }
}
