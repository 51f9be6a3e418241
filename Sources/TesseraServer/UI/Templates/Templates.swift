/// The Mustache templates of the provider's pages, compiled into the binary so that a copied
/// release binary needs no resource folder. `{{…}}` escapes HTML; nothing here uses `{{{…}}}`.
enum Templates {
    /// Shared `<head>` and styles.
    static let head = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · Tessera</title>
        <style>
        body { font-family: system-ui, sans-serif; background: #f4f5f7; color: #1d2430; margin: 0; }
        main { max-width: 24rem; margin: 10vh auto; background: #fff; padding: 2rem; border-radius: 8px;
               box-shadow: 0 1px 4px rgba(0,0,0,.12); }
        h1 { font-size: 1.35rem; margin: 0 0 .5rem; }
        p.lead { color: #5a6473; margin: 0 0 1.5rem; }
        label { display: block; font-weight: 600; margin: 1rem 0 .35rem; }
        input[type=email], input[type=password] { width: 100%; box-sizing: border-box; padding: .6rem;
               border: 1px solid #c5cbd3; border-radius: 4px; font-size: 1rem; }
        button { margin-top: 1.5rem; width: 100%; padding: .7rem; border: 0; border-radius: 4px;
               background: #2d5bd7; color: #fff; font-size: 1rem; cursor: pointer; }
        .error { background: #fdecec; color: #9b1c1c; padding: .6rem .8rem; border-radius: 4px; }
        code { background: #eef0f3; padding: .1rem .3rem; border-radius: 3px; }
        </style>
        </head>
        <body>
        <main>
        """

    static let foot = """
        </main>
        </body>
        </html>
        """

    /// The login form: plain HTML, works without JavaScript. The authorization request rides
    /// along in one hidden field and is validated again when the form comes back.
    static let login = """
        {{> head}}
        <h1>Log in</h1>
        <p class="lead">to continue to <strong>{{clientName}}</strong></p>
        {{#error}}<p class="error" role="alert" id="login-error">{{error}}</p>{{/error}}
        <form method="post" action="{{action}}">
        <input type="hidden" name="csrf_token" value="{{csrfToken}}">
        <input type="hidden" name="authorization_request" value="{{authorizationRequest}}">
        <label for="email">Email</label>
        <input type="email" id="email" name="email" value="{{email}}" autocomplete="username" required autofocus>
        <label for="password">Password</label>
        <input type="password" id="password" name="password" autocomplete="current-password" required>
        <button type="submit" id="login-submit">Log in</button>
        </form>
        {{> foot}}
        """

    /// An error that cannot be sent back to the client, because the client or its redirect URI
    /// could not be trusted (RFC 6749 §4.1.2.1).
    static let error = """
        {{> head}}
        <h1>{{title}}</h1>
        <p class="error" role="alert" id="error-message">{{message}}</p>
        {{#code}}<p>Error code: <code id="error-code">{{code}}</code></p>{{/code}}
        {{> foot}}
        """

    /// After RP-initiated logout with nowhere registered to go.
    static let loggedOut = """
        {{> head}}
        <h1>{{title}}</h1>
        <p class="lead">You are logged out.</p>
        {{> foot}}
        """

    /// RP-initiated logout without proof that the relying party asked for it: the user confirms
    /// by posting this form, whose CSRF token is signed for their session.
    static let confirmLogout = """
        {{> head}}
        <h1>{{title}}</h1>
        <p class="lead">Do you want to end your session{{#clientName}} and return to <strong>{{clientName}}</strong>{{/clientName}}?</p>
        <form method="post" action="/oidc/logout">
        <input type="hidden" name="csrf_token" value="{{csrfToken}}">
        {{#clientID}}<input type="hidden" name="client_id" value="{{clientID}}">{{/clientID}}
        {{#postLogoutRedirectURI}}<input type="hidden" name="post_logout_redirect_uri" value="{{postLogoutRedirectURI}}">{{/postLogoutRedirectURI}}
        {{#state}}<input type="hidden" name="state" value="{{state}}">{{/state}}
        <button type="submit" id="logout-submit">Log out</button>
        </form>
        {{> foot}}
        """
}
