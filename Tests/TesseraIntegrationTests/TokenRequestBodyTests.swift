import Foundation
import Testing
import TesseraCore

/// How the token endpoint reads a form body (RFC 6749 §4.1.3, Appendix B), pinned where reading
/// it changed: straight from NIO's buffer rather than through `Data` and `String(data:encoding:)`.
@Suite("Token request bodies (RFC 6749 Appendix B)")
struct TokenRequestBodyTests {
    @Test("RFC 6749 Appendix B: a leading UTF-8 byte order mark and a Content-Type with parameters and capitals are read as before",
          arguments: TestEngine.all)
    func byteOrderMark(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let code = try await server.code(for: client)
            let form = formBody([("grant_type", "authorization_code"), ("code", code.unredacted), ("redirect_uri", TestServer.redirectURI)])
            let response = try await send(.POST, server.url("/oauth/token"),
                                          headers: [basicAuthorization(id: client.id, secret: try #require(client.secret)),
                                                    ("Content-Type", "Application/X-WWW-Form-URLEncoded ; charset=UTF-8")],
                                          body: "\u{FEFF}" + form.body)
            #expect(response.status == 200, "\(response.body)")
            #expect(response.json["id_token"] is String)
        }
    }

    @Test("RFC 6749 Appendix B: a body that is not UTF-8 is invalid_request, never a 5xx")
    func notUTF8() async throws {
        try await withTemporaryDirectory { directory in
            let server = try await ServeProcess(arguments: ["--database", "sqlite://\(directory.path)/tessera.sqlite"])
            let port = try #require(URLComponents(string: server.baseURL)?.port)
            let body: [UInt8] = Array("grant_type=authorization_code&code=".utf8) + [0xC3, 0x28]
            let head = "POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Authorization: Basic YTpi\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
            let answer = try await RawHTTP.exchange(port: port, bytes: Array(head.utf8) + body)
            #expect(RawHTTP.status(of: answer) == 400, "\(answer.prefix(300))")
            #expect(answer.contains(#""error":"invalid_request""#) && answer.contains("not UTF-8"), "\(answer.prefix(300))")
            #expect(await server.terminate() == 0)
        }
    }
}
