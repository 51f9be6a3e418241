/// A `WWW-Authenticate` parameter value as RFC 6750 §3 allows it (and RFC 9449 §7.1 inherits):
/// `error_description` and friends may hold only %x20-21 / %x23-5B / %x5D-7E. Shared by the
/// provider's own resource endpoints and TesseraHummingbird's API middleware, so both keep every
/// challenge a well-formed header whatever a description says (an RFC's `§`, a quote).
public enum ChallengeParameter {
    /// `value` as a quoted-string: a `"` becomes `'`, anything else outside the allowed set (a
    /// backslash, a line break, a control or non-ASCII character) a space.
    public static func quoted(_ value: String) -> String {
        var quoted = "\""
        for scalar in value.unicodeScalars {
            switch scalar.value {
            case 0x22: quoted += "'"
            case 0x20...0x21, 0x23...0x5B, 0x5D...0x7E: quoted.unicodeScalars.append(scalar)
            default: quoted += " "
            }
        }
        return quoted + "\""
    }
}
