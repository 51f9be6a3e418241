/// No identifier a client or user sends may hold a control character.
///
/// A NUL, a line break or an escape in a `client_id`, `redirect_uri`, `scope` or login email is
/// never legitimate, and each is a way to make two layers disagree about what was sent: C strings
/// stop at a NUL (SQLite bound "you@example.com\0x" as "you@example.com"), PostgreSQL refuses one
/// outright, logs split at a line break. So they are refused where a request is read, before any
/// lookup. Free text that is only echoed back (`state`, `nonce`) and the password (hashed, never
/// compared as text) keep whatever the sender put in them.
extension OAuthParameters {
    /// The parameters whose values may hold control characters.
    public static let freeTextNames: Set<String> = ["password", "state", "nonce"]

    /// `invalid_request` naming `name` when `value` holds a control character and `name` is not
    /// free text; nil when the value is acceptable.
    public static func controlCharacterError(name: String, value: String) -> OAuthError? {
        guard !freeTextNames.contains(name), ControlCharacters.occur(in: value) else { return nil }
        return OAuthError(.invalidRequest, "The parameter '\(name.prefix(64))' contains a control character.")
    }
}

/// Unicode's control characters: C0 (U+0000–U+001F), DEL (U+007F) and C1 (U+0080–U+009F).
public enum ControlCharacters {
    /// Whether `text` holds any of them.
    public static func occur(in text: some StringProtocol) -> Bool {
        text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
    }
}
