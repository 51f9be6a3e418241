import AsyncHTTPClient
import Foundation
import NIOHTTP1
import Synchronization

/// A minimal browser: keeps the cookies a server sets and sends them back, follows nothing.
final class Browser: Sendable {
    private let cookies = Mutex<[String: String]>([:])
    /// Sent with every request (a `traceparent`, say).
    private let extraHeaders: [(String, String)]

    init(headers: [(String, String)] = []) {
        self.extraHeaders = headers
    }

    func get(_ url: String) async throws -> HTTPResult {
        try await request(.GET, url)
    }

    func post(_ url: String, form pairs: [(String, String)], headers: [(String, String)] = []) async throws -> HTTPResult {
        let form = formBody(pairs)
        return try await request(.POST, url, headers: [form.header] + headers, body: form.body)
    }

    func cookie(_ name: String) -> String? { cookies.withLock { $0[name] } }

    func setCookie(_ name: String, _ value: String?) { cookies.withLock { $0[name] = value } }

    private func request(_ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], body: String? = nil) async throws -> HTTPResult {
        var headers = headers + extraHeaders
        let jar = cookies.withLock { $0 }
        if !jar.isEmpty {
            headers.append(("Cookie", jar.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")))
        }
        let result = try await send(method, url, headers: headers, body: body)
        for header in result.headers[canonicalForm: "Set-Cookie"] {
            let pair = header.split(separator: ";", maxSplits: 1)[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2 else { continue }
            let (name, value) = (String(pair[0]).trimmingCharacters(in: .whitespaces), String(pair[1]))
            let expired = header.lowercased().contains("max-age=0")
            cookies.withLock { $0[name] = expired || value.isEmpty ? nil : value }
        }
        return result
    }
}

/// The hidden fields of the login form on a page.
struct LoginForm {
    let csrfToken: String
    let authorizationRequest: String

    init?(html: String) {
        func field(_ name: String) -> String? {
            guard let range = html.range(of: #"name="\#(name)" value=""#) else { return nil }
            let rest = html[range.upperBound...]
            guard let end = rest.firstIndex(of: "\"") else { return nil }
            return htmlUnescape(String(rest[..<end]))
        }
        guard let csrf = field("csrf_token"), let request = field("authorization_request") else { return nil }
        self.csrfToken = csrf
        self.authorizationRequest = request
    }
}
