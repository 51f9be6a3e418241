import Hummingbird
import HTTPTypes
import NIOCore

extension Response {
    /// An HTML page that is never cached, never framed, runs no script, and sends no referrer
    /// onward: the callback's URL carries a code and a state, and a link clicked on its error page
    /// must not hand them to the next site.
    static func page(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [
            .contentType: "text/html;charset=utf-8",
            .cacheControl: "no-store",
            .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'",
            HTTPField.Name("Referrer-Policy")!: "no-referrer",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        ], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A redirect that no cache keeps (it may set a session cookie) and that sends no referrer.
    static func redirect(to location: String, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [
            .location: location,
            .cacheControl: "no-store",
            HTTPField.Name("Referrer-Policy")!: "no-referrer",
        ])
    }
}

/// The few pages the login routes show themselves: plain HTML, escaped, that work without script.
enum LoginPages {
    static func document(title: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <link rel="icon" href="data:,"><title>\(escape(title))</title>
        <style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}
        .code{font-family:ui-monospace,monospace;color:#666;font-size:.9em}button{font:inherit;padding:.4rem 1rem}</style>
        </head><body><main>
        <h1>\(escape(title))</h1>
        \(body)
        </main></body></html>
        """
    }

    /// A failed login: what happened, its stable code, and the way back in.
    static func failure(_ failure: LoginFailure, loginPath: String) -> Response {
        .page(document(title: failure.title, body: """
            <p>\(escape(failure.message))</p>
            <p class="code">\(escape(failure.code))</p>
            <p><a href="\(escape(loginPath))">Log in again</a></p>
            """), status: failure.status)
    }

    /// `GET /logout`: a button that posts, so that only this site's own pages can log a user out.
    static func confirmLogout(logoutPath: String) -> Response {
        .page(document(title: "Log out", body: """
            <form method="post" action="\(escape(logoutPath))"><button type="submit">Log out</button></form>
            """))
    }

    /// A request refused before it reached the app, with a link to log in.
    static func loginRequired(loginPath: String) -> Response {
        .page(document(title: "Login required", body: """
            <p>You need to log in to do that.</p>
            <p><a href="\(escape(loginPath))">Log in</a></p>
            """), status: .unauthorized)
    }

    /// Text made safe for HTML content and double-quoted attribute values.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
