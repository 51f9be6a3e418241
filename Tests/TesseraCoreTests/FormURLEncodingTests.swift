import Foundation
import Testing
import TesseraCore

@Suite("application/x-www-form-urlencoded")
struct FormURLEncodingTests {
    @Test("decodes + as space and %XX as bytes, keeping order and repeats")
    func decode() throws {
        let pairs = try #require(FormURLEncoding.decode("a=1+2&b=%C3%A9%26&a=3&empty=&flag"))
        #expect(pairs.map(\.name) == ["a", "b", "a", "empty", "flag"])
        #expect(pairs.map(\.value) == ["1 2", "é&", "3", "", ""])
    }

    @Test("WHATWG URL §5.1: `&` and `=` split as bytes, even where a combining mark follows them; `=` in a value stays")
    func splitsOnBytes() throws {
        let pairs = try #require(FormURLEncoding.decode("a=1&\u{301}b=\u{301}2&c=x=y&&é=ü"))
        #expect(pairs.map(\.name) == ["a", "\u{301}b", "c", "é"])
        #expect(pairs.map(\.value) == ["1", "\u{301}2", "x=y", "ü"])
    }

    @Test("refuses malformed escapes and invalid UTF-8", arguments: ["a=%", "a=%4", "a=%zz", "a=%ff"])
    func malformed(body: String) {
        #expect(FormURLEncoding.decode(body) == nil)
    }

    @Test("encode then decode is the identity")
    func roundTrip() throws {
        let pairs: [(name: String, value: String)] = [("redirect_uri", "https://app.example/cb?x=1&y=2"), ("s", "a b:c/é")]
        let decoded = try #require(FormURLEncoding.decode(FormURLEncoding.encode(pairs)))
        #expect(decoded.map(\.value) == pairs.map(\.value))
    }

    @Test("escape leaves only unreserved characters, as RFC 6749 §2.3.1 requires of Basic credentials")
    func escape() {
        #expect(FormURLEncoding.escape("a:b c/~") == "a%3Ab+c%2F~")
    }
}

@Suite("OAuthParameters")
struct OAuthParametersTests {
    @Test("a repeated form parameter is invalid_request (RFC 6749 §3.2)")
    func repeatedForm() {
        #expect(throws: OAuthError.self) { try OAuthParameters(form: "code=a&code=b") }
        do {
            _ = try OAuthParameters(form: "grant_type=x&grant_type=y")
        } catch {
            #expect(error.code == .invalidRequest)
            #expect(error.description?.contains("grant_type") == true)
        }
    }

    @Test("a repeated JSON key is invalid_request")
    func repeatedJSON() {
        #expect(throws: OAuthError.self) { try OAuthParameters(json: Data(#"{"code":"a","code":"b"}"#.utf8)) }
    }

    @Test("a repeat smuggled through escapes is still a repeat: code and c\\u006fde are one key",
          arguments: [#"{"code":"a","c\u006fde":"b"}"#, #"{"c\u006Fde":"a","code":"b"}"#, #"{"code":"a","\u0063\u006f\u0064\u0065":"b"}"#])
    func escapedRepeatedJSON(body: String) {
        let error = #expect(throws: OAuthError.self) { try OAuthParameters(json: Data(body.utf8)) }
        #expect(error?.code == .invalidRequest)
        #expect(error?.description == "The parameter 'code' was given more than once.")
    }

    @Test("escaped keys that decode to different names are not a repeat")
    func escapedDistinctKeys() throws {
        let parameters = try OAuthParameters(json: Data(#"{"code":"a","c\u006fdf":"b","say \"hi\"":"c"}"#.utf8))
        #expect(parameters["code"] == "a")
        #expect(parameters["codf"] == "b")
    }

    @Test("a key inside a string value is not a repeat")
    func nestedNotRepeated() throws {
        let parameters = try OAuthParameters(json: Data(#"{"code":"x","b":"{\"code\":1}"}"#.utf8))
        #expect(parameters["code"] == "x")
    }

    @Test("malformed JSON and non-objects are invalid_request", arguments: ["{", "[]", "\"x\"", "{\"a\":[1]}"])
    func malformedJSON(body: String) {
        #expect(throws: OAuthError.self) { try OAuthParameters(json: Data(body.utf8)) }
    }

    @Test("an empty value counts as omitted (RFC 6749 §3.1)")
    func emptyIsOmitted() throws {
        let parameters = try OAuthParameters(form: "code=&state=x")
        #expect(parameters["code"] == nil)
        #expect(parameters["state"] == "x")
    }
}
