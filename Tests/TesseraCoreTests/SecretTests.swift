import Foundation
import Testing
import TesseraCore

@Suite("Secret never prints")
struct SecretTests {
    let secret = Secret("hunter2-top-secret")

    @Test("description, interpolation, dump and Mirror show <redacted>")
    func everyTextFormIsRedacted() {
        #expect("\(secret)" == "<redacted>")
        #expect(String(describing: secret) == "<redacted>")
        #expect(String(reflecting: secret) == "<redacted>")
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(!dumped.contains("hunter2"))
        #expect(Mirror(reflecting: secret).children.isEmpty)
    }

    @Test("a struct holding a secret prints without it")
    func containersDoNotLeak() {
        struct Holder { let name = "client"; let secret = Secret("hunter2-top-secret") }
        #expect(!"\(Holder())".contains("hunter2"))
        #expect(!"\([secret])".contains("hunter2"))
        #expect(!"\(Optional(secret) as Any)".contains("hunter2"))
    }

    @Test("Encodable writes <redacted>; decoding reads the value")
    func codable() throws {
        let encoded = String(decoding: try JSONEncoder().encode(["token": secret]), as: UTF8.self)
        #expect(encoded == #"{"token":"<redacted>"}"#)
        let decoded = try JSONDecoder().decode([String: Secret].self, from: Data(#"{"t":"abc"}"#.utf8))
        #expect(decoded["t"]?.unredacted == "abc")
    }

    @Test("equality compares values")
    func equality() {
        #expect(Secret("a") == Secret("a"))
        #expect(Secret("a") != Secret("b"))
        #expect(Secret("a") != Secret("ab"))
    }

    @Test("random secrets are 256-bit base64url and distinct")
    func random() {
        let a = Secret.random(), b = Secret.random()
        #expect(a != b)
        #expect(a.unredacted.count == 43)
        #expect(a.unredacted.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
    }

    @Test("SecretHash matches an independent implementation (Python hashlib)")
    func sha256() {
        #expect(SecretHash(of: Secret("hello")).hex == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
    }

    @Test("constant-time comparison agrees with ==")
    func constantTime() {
        #expect(ConstantTime.equals("abc", "abc"))
        #expect(!ConstantTime.equals("abc", "abd"))
        #expect(!ConstantTime.equals("abc", "abcd"))
        #expect(ConstantTime.equals("", ""))
    }
}

@Suite("Base64url (RFC 4648 §5)")
struct Base64URLTests {
    @Test("the RFC 4648 §10 vectors, in the url-safe alphabet without padding", arguments: [
        ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy"),
    ])
    func vectors(plain: String, encoded: String) {
        #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
        #expect(Base64URL.decode(encoded) == Array(plain.utf8))
    }

    @Test("the url-safe characters, round trips of every length, and padding accepted")
    func alphabet() {
        #expect(Base64URL.encode([0xFB, 0xFF, 0xBF]) == "-_-_")
        for length in 0..<70 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
        #expect(Base64URL.decode("Zm8=") == Array("fo".utf8))
    }

    @Test("anything outside the alphabet is refused", arguments: ["Zm9v+", "Zm/v", "Z", "Zm 9v", "é"])
    func refused(text: String) {
        #expect(Base64URL.decode(text) == nil)
    }
}
