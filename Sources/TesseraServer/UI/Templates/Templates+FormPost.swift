extension Templates {
    /// Form Post Response Mode (OAuth 2.0 Form Post Response Mode §2): the response parameters
    /// as hidden fields, submitted by the one script the page's policy allows
    /// (``FormPostResponse/script``) or, without JavaScript, by the button.
    static let formPost = """
        {{> head}}
        <h1>Returning to the application…</h1>
        <form method="post" action="{{action}}" id="form-post">
        {{#fields}}<input type="hidden" name="{{name}}" value="{{value}}">
        {{/fields}}<noscript><p class="lead">JavaScript is off: press the button to continue.</p>
        <button type="submit" id="form-post-submit">Continue</button></noscript>
        </form>
        <script>\(FormPostResponse.script)</script>
        {{> foot}}
        """
}
