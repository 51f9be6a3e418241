import Testing
import TesseraCore

@Suite("PKCE (RFC 7636), S256 only")
struct PKCETests {
    // Computed independently with Python: base64url(sha256(verifier)) without padding.
    let verifier = Secret("M25iVXpKU3puUjFaYWg3T1NDTDQtcW1ROUY5YXlwalNoc0hhakxifmZHag")
    let challenge = "qjrzSW9gMiUgpUvqgEPE4_-8swvyCtfOVvg55o5S_es"

    @Test("the S256 challenge matches an independent implementation")
    func challengeVector() {
        #expect(PKCE.challenge(for: verifier) == challenge)
        #expect(PKCE.isSatisfied(by: verifier, challenge: challenge))
    }

    @Test("a wrong verifier does not satisfy the challenge")
    func wrongVerifier() {
        #expect(!PKCE.isSatisfied(by: Secret(String(repeating: "a", count: 43)), challenge: challenge))
    }

    @Test("verifiers must be 43–128 unreserved characters", arguments: [
        (String(repeating: "a", count: 42), false), (String(repeating: "a", count: 43), true),
        (String(repeating: "a", count: 128), true), (String(repeating: "a", count: 129), false),
        (String(repeating: "a", count: 42) + "!", false),
    ])
    func verifierShape(verifier: String, valid: Bool) {
        #expect(PKCE.isWellFormed(verifier: verifier) == valid)
    }

    @Test("generated pairs are consistent and fresh")
    func generated() {
        let a = PKCE(), b = PKCE()
        #expect(PKCE.isSatisfied(by: a.verifier, challenge: a.challenge))
        #expect(a.challenge != b.challenge)
        #expect(PKCE.isWellFormed(challenge: a.challenge))
    }
}

@Suite("at_hash (OpenID Connect Core §3.1.3.6)")
struct AccessTokenHashTests {
    @Test("RS256 hashes the left half of SHA-256, as an independent implementation does")
    func rs256() {
        #expect(AccessTokenHash.compute(for: Secret("jHkWEdUXMU1BwAsC4vtUsZwnNYxZ8ZgRe5bNT8NQ3ZRd"), algorithm: "RS256") == "Hn3SxY659aJ-5dZNly2AgA")
    }

    @Test("unknown algorithms have no hash")
    func unknown() {
        #expect(AccessTokenHash.compute(for: Secret("x"), algorithm: "none") == nil)
    }
}

@Suite("Scope")
struct ScopeTests {
    @Test("parses, dedupes and prints in order")
    func parse() {
        let scope = Scope("openid  profile openid email")
        #expect(scope.tokens == ["openid", "profile", "email"])
        #expect(scope.description == "openid profile email")
    }

    @Test("subset and intersection")
    func algebra() {
        let granted: Scope = "openid profile offline_access"
        #expect(Scope("openid").isSubset(of: granted))
        #expect(!Scope("openid email").isSubset(of: granted))
        #expect(Scope("email openid x").intersection(granted).description == "openid")
    }

    @Test("rejects characters RFC 6749 §3.3 forbids")
    func wellFormed() {
        #expect(Scope("openid profile").isWellFormed)
        #expect(!Scope("open\"id").isWellFormed)
        #expect(!Scope("a\\b").isWellFormed)
    }
}
