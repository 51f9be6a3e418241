import Testing
@testable import TesseraHummingbird

@Suite("return_to: only same-site paths, never an open redirect")
struct ReturnPathTests {
    @Test("same-site paths are kept, with their query", arguments: ["/", "/dashboard", "/a/b?c=d&e=%2F", "/caf%C3%A9"])
    func kept(path: String) {
        #expect(ReturnPath.sanitized(path, fallback: "/home") == path)
    }

    @Test("anything a browser could read as another origin falls back", arguments: [
        "https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example", "/\\/evil.example",
        "javascript:alert(1)", "evil.example", "", " /dashboard", "/\t/evil.example", "/a\nb", "/a b",
        "http:/evil.example", "/" + String(repeating: "a", count: 3_000),
    ])
    func refused(candidate: String) {
        #expect(ReturnPath.sanitized(candidate, fallback: "/home") == "/home")
    }

    @Test("the login routes themselves fall back, so a login cannot loop")
    func loginRoutesExcluded() {
        let excluded: Set<String> = ["/login", "/callback", "/logout"]
        #expect(ReturnPath.sanitized("/login?return_to=/x", fallback: "/", excluding: excluded) == "/")
        #expect(ReturnPath.sanitized("/callback", fallback: "/", excluding: excluded) == "/")
        #expect(ReturnPath.sanitized("/logout", fallback: "/", excluding: excluded) == "/")
        #expect(ReturnPath.sanitized(nil, fallback: "/", excluding: excluded) == "/")
    }
}
