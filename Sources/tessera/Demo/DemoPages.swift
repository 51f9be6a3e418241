import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore
import TesseraClient

/// The demo app's two pages, as Mustache templates compiled into the binary (`{{…}}` escapes
/// HTML). Neither ever shows a token: only claims, and when the access token expires.
struct DemoPages: Sendable {
    private let library: MustacheLibrary

    init() {
        var library = MustacheLibrary()
        for (name, text) in [("layout", Self.layout), ("home", Self.home), ("dashboard", Self.dashboard)] {
            // Constants of this binary: a parse error is a programming error.
            library.register(try! MustacheTemplate(string: text), named: name)
        }
        self.library = library
    }

    /// A claim as a row of the dashboard's table.
    struct Claim {
        let name: String
        let value: String
    }

    func home(email: String?, demoUser: DemoCredentials) -> Response {
        var values: [String: Any] = ["title": "Tessera demo", "demoEmail": demoUser.email, "demoPassword": demoUser.password]
        values["email"] = email
        return render("home", values)
    }

    /// What the demo API answered the dashboard's call.
    struct APIResult {
        let url: String
        let answer: String?
        let error: String?
    }

    func dashboard(claims: [Claim], email: String, expiresAt: Date?, now: Date, hasRefreshToken: Bool,
                   userInfo: [Claim], userInfoError: String?, api: APIResult) -> Response {
        let expiry = expiresAt.map { "\($0.formatted(.iso8601)) (in \(Int($0.timeIntervalSince(now) / 60)) minutes)" } ?? "not given"
        var values: [String: Any] = [
            "title": "Dashboard", "email": email, "claims": claims, "expiry": expiry, "userInfo": userInfo,
            "refresh": hasRefreshToken ? "yes: it is refreshed automatically a minute before it expires" : "no",
            "apiURL": api.url,
        ]
        values["userInfoError"] = userInfoError
        values["apiAnswer"] = api.answer
        values["apiError"] = api.error
        return render("dashboard", values)
    }

    private func render(_ template: String, _ values: [String: Any]) -> Response {
        let html = library.render(values, withTemplate: template) ?? ""
        return Response(status: .ok, headers: [
            .contentType: "text/html;charset=utf-8", .cacheControl: "no-store",
            .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'",
        ], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static let layout = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <link rel="icon" href="data:,"><title>{{title}}</title>
        <style>
        body { font-family: system-ui, sans-serif; background: #f4f5f7; color: #1d2430; margin: 0; }
        main { max-width: 40rem; margin: 8vh auto; background: #fff; padding: 2rem; border-radius: 8px; box-shadow: 0 1px 4px rgba(0,0,0,.12); }
        table { border-collapse: collapse; width: 100%; } td { padding: .3rem .5rem; border-top: 1px solid #e3e6ea; vertical-align: top; }
        td:first-child { font-family: ui-monospace, monospace; white-space: nowrap; } a.button, button { display: inline-block; padding: .6rem 1.2rem;
        border: 0; border-radius: 4px; background: #2d5bd7; color: #fff; font-size: 1rem; text-decoration: none; cursor: pointer; }
        .muted { color: #5a6473; } code { background: #eef0f3; padding: .1rem .3rem; border-radius: 3px; }
        </style></head><body><main>
        {{$content}}{{/content}}
        </main></body></html>
        """

    static let home = """
        {{<layout}}{{$content}}
        <h1>Tessera demo</h1>
        <p class="muted">An app that logs you in through the Tessera provider with OpenID Connect: authorization code,
        PKCE, the code exchanged by POST server-side, tokens kept in a server-side session.</p>
        {{#email}}
        <p>You are logged in as <strong id="email">{{email}}</strong>.</p>
        <p><a class="button" id="dashboard" href="/dashboard">Dashboard</a></p>
        {{/email}}
        {{^email}}
        <p>Log in as <code>{{demoEmail}}</code> with the password <code>{{demoPassword}}</code>, or as any user of the database.</p>
        <p><a class="button" id="login" href="/login?return_to=%2Fdashboard">Log in</a></p>
        {{/email}}
        {{/content}}{{/layout}}
        """

    static let dashboard = """
        {{<layout}}{{$content}}
        <h1>Dashboard</h1>
        <p>Logged in as <strong id="email">{{email}}</strong>.</p>
        <p>The access token expires <span id="expires">{{expiry}}</span>. Refresh token: {{refresh}}.
        The tokens stay on the server; the browser holds only a random session id.</p>
        <h2>id_token claims</h2>
        <table id="claims">{{#claims}}<tr><td>{{name}}</td><td>{{value}}</td></tr>{{/claims}}</table>
        <h2>The demo API, called with the access token</h2>
        <p class="muted">The app sent <code>GET {{apiURL}}</code> from its server with <code>Authorization: Bearer</code> and the
        access token (an RFC 9068 JWT for the API, checked by the API against the provider's keys).</p>
        {{#apiAnswer}}<p>The API says: <strong id="api-answer">{{apiAnswer}}</strong></p>{{/apiAnswer}}
        {{#apiError}}<p class="muted" id="api-error">{{apiError}}</p>{{/apiError}}
        <h2>/userinfo, called with the access token</h2>
        {{#userInfoError}}<p class="muted">{{userInfoError}}</p>{{/userInfoError}}
        <table id="userinfo">{{#userInfo}}<tr><td>{{name}}</td><td>{{value}}</td></tr>{{/userInfo}}</table>
        <form method="post" action="/logout"><p><button type="submit" id="logout">Log out</button></p></form>
        {{/content}}{{/layout}}
        """
}
