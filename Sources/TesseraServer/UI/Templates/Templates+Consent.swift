extension Templates {
    /// The consent page a third-party client's user sees (OpenID Connect Core §3.1.2.4): who is
    /// asking, for what, and two buttons in a plain form — no JavaScript. The authorization request
    /// rides along and is validated again on return; the form's scopes are never read.
    static let consent = """
        {{> head}}
        <h1>Allow access?</h1>
        <p class="lead"><strong id="consent-client">{{clientName}}</strong> is asking for access to your account.</p>
        {{#hasIdentity}}
        <p>It would be able to:</p>
        <ul id="consent-scopes">
        {{#identity}}<li><span>{{description}}</span> <code>{{scope}}</code></li>
        {{/identity}}
        </ul>
        {{/hasIdentity}}
        {{#api}}
        <p>It would use <strong id="consent-api-name">{{name}}</strong> (<code id="consent-api-identifier">{{identifier}}</code>) on your behalf{{#hasPermissions}}, with these permissions:{{/hasPermissions}}{{^hasPermissions}}.{{/hasPermissions}}</p>
        {{#hasPermissions}}
        <ul id="consent-permissions">
        {{#permissions}}<li>{{#hasDescription}}<span>{{description}}</span> {{/hasDescription}}<code>{{scope}}</code></li>
        {{/permissions}}
        </ul>
        {{/hasPermissions}}
        {{/api}}
        <p class="lead">This application is not run by this provider. Allow it only if you trust it.</p>
        <form method="post" action="{{action}}">
        <input type="hidden" name="csrf_token" value="{{csrfToken}}">
        <input type="hidden" name="authorization_request" value="{{authorizationRequest}}">
        <button type="submit" name="decision" value="approve" id="consent-approve">Allow</button>
        <button type="submit" name="decision" value="deny" id="consent-deny" style="background:#5a6473">Deny</button>
        </form>
        {{> foot}}
        """
}
