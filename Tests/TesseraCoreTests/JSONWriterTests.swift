import Foundation
import Testing
import TesseraCore

/// The direct JSON writer of the token endpoint against `JSONEncoder`, the form it replaces:
/// each document is parsed back and compared, so outside clients (Authlib, pyoidc, oidc-client)
/// read exactly what they read before.
@Suite("JSONWriter: the token endpoint's JSON, written directly")
struct JSONWriterTests {
    /// Strings that need escaping, or that an escaper might wrongly touch.
    static let trickyStrings: [String] = [
        "", "plain", "with space", #"quote""#, #"back\slash"#, #"\""#, "slash/es https://a.example/cb?x=1",
        "\u{0}", "\u{1}\u{1F}", "tab\there", "line\nbreak", "cr\rlf\n", "\u{8}\u{C}", "\u{7F}", "\u{80}\u{9F}",
        "é ü ß", "日本語", "emoji 🔐👩‍💻", "\u{2028}\u{2029}", "</script>", "a\u{0}b", "{\"nested\":[1,2]}",
        "%41+%2B", "'single'", String(repeating: "x", count: 3000),
    ]

    private func encoded(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    private func parsed(_ bytes: some Sequence<UInt8>) throws -> NSDictionary {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? NSDictionary)
    }

    @Test("RFC 8259 §7: every string parses back to itself, as JSONEncoder's does", arguments: trickyStrings)
    func stringsRoundTrip(_ text: String) throws {
        var writer = JSONWriter()
        writer.beginObject()
        writer.member("value", text)
        writer.endObject()
        let object = try parsed(writer.bytes)
        #expect(object["value"] as? String == text)
        #expect(object == (try parsed(try encoded(["value": text]))))
        #expect(try JSONDecoder().decode([String: String].self, from: Data(writer.bytes)) == ["value": text])
    }

    @Test("RFC 8259 §7: only quote, backslash and U+0000–U+001F are escaped; `/` and non-ASCII stay UTF-8")
    func escapes() {
        var writer = JSONWriter()
        writer.string("a/\"\\\u{0}\u{1F}\n\r\t\u{8}\u{C}é\u{7F}")
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #""a/\"\\\u0000\u001f\n\r\t\b\fé"# + "\u{7F}\"")
    }

    @Test("RFC 8259 §7: random strings of tricky characters parse back to themselves")
    func randomStrings() throws {
        let alphabet: [Character] = ["a", "Z", "0", " ", "\"", "\\", "/", "\u{0}", "\u{1}", "\u{8}", "\t", "\n", "\u{C}", "\r", "\u{1F}",
                                     "\u{7F}", "\u{85}", "é", "€", "𝄞", "🔐", "\u{2028}", "{", "}", "[", ":", ","]
        // A fixed linear congruential sequence (Knuth's MMIX constants): a failure repeats every run.
        var state: UInt64 = 12
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        for _ in 0..<500 {
            let length = next() % 40
            let text = String((0..<length).map { _ in alphabet[next() % alphabet.count] })
            var writer = JSONWriter()
            writer.beginArray()
            writer.string(text)
            writer.endArray()
            #expect(try JSONDecoder().decode([String].self, from: Data(writer.bytes)) == [text])
        }
    }

    @Test("RFC 8259 §6: integers and numbers as JSONEncoder writes them", arguments: [
        JSONValue.number(0), .number(-1), .number(1_764_000_000), .number(9_007_199_254_740_991), .number(-9_007_199_254_740_991),
        .number(0.5), .number(-2.25), .number(1e-7), .number(1.5e300), .number(0.1),
    ])
    func numbers(_ value: JSONValue) throws {
        var writer = JSONWriter()
        writer.beginObject()
        try writer.member("n", value)
        writer.endObject()
        #expect(try parsed(writer.bytes) == (try parsed(try encoded(["n": value]))))
        #expect(try JSONDecoder().decode([String: JSONValue].self, from: Data(writer.bytes)) == ["n": value])
    }

    @Test("RFC 8259 §6: a non-finite number is refused, as JSONEncoder refuses it")
    func nonFinite() {
        var writer = JSONWriter()
        #expect(throws: JSONWriter.InvalidValue.self) { try writer.value(.number(.infinity)) }
        #expect(throws: JSONWriter.InvalidValue.self) { try writer.value(.number(.nan)) }
        #expect(throws: (any Error).self) { _ = try encoded([JSONValue.number(.infinity)]) }
    }

    @Test("RFC 8259 §4–5: nested claim values (an address object, arrays, null, booleans) parse back equal")
    func nested() throws {
        let value = JSONValue.object([
            "address": .object(["street_address": .string("1 Main St\nApt \"2\""), "country": .string("日本"), "postal_code": .null]),
            "list": .array([.bool(true), .bool(false), .number(3), .array([]), .object([:])]),
            "email_verified": .bool(true), "updated_at": .number(1_764_000_000),
        ])
        var writer = JSONWriter()
        try writer.value(value)
        #expect(try parsed(writer.bytes) == (try parsed(try encoded(value))))
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(writer.bytes)) == value)
    }

    @Test("RFC 6749 §5.1: the token response has the members JSONEncoder writes, access_token first as the seed shows", arguments: [
        TokenResponse(accessToken: Secret("at"), idToken: Secret("eyJ.a.b"), scope: "openid profile email", expiresIn: 86400,
                      refreshToken: Secret("v1.M0_BQH2Sg8")),
        TokenResponse(accessToken: Secret("only-access")),
        TokenResponse(accessToken: Secret(#"weird "token"\ with/slash é"#), scope: "read:all", expiresIn: 0, tokenType: "Bearer"),
        TokenResponse(accessToken: Secret("x"), expiresIn: -1, tokenType: "DPoP", refreshToken: Secret("r\u{1}")),
    ])
    func tokenResponse(_ response: TokenResponse) throws {
        let direct = response.jsonBytes
        let reference = try encoded(response)
        #expect(try parsed(direct) == (try parsed(reference)))
        #expect(try JSONDecoder().decode(TokenResponse.self, from: Data(direct)) == response)
        // JSONEncoder's member order is not fixed (it varies from run to run); the writer's is the seed's.
        #expect(String(decoding: direct, as: UTF8.self).hasPrefix(#"{"access_token":"#))
    }
}
