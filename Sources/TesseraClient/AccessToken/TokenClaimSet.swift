import Foundation
import TesseraCore

/// A token's claims as a JSON object — a verified JWT's payload or an introspection answer —
/// read the way RFC 7519 and RFC 7662 write them: `aud` one string or an array, times as
/// (possibly fractional) Unix seconds. A claim of the wrong type reads as malformed, never as absent.
struct TokenClaimSet {
    let claims: [String: JSONValue]
    /// How the token is named in messages ("access token", "introspection response").
    let what: String

    /// A string claim; nil when absent.
    func string(_ name: String) throws(ClientError) -> String? {
        switch claims[name] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        default: throw wrongType(name)
        }
    }

    /// A NumericDate claim; nil when absent.
    func date(_ name: String) throws(ClientError) -> Date? {
        switch claims[name] {
        case nil, .null?: return nil
        case .number(let seconds)?: return Date(timeIntervalSince1970: seconds)
        default: throw wrongType(name)
        }
    }

    /// `aud` as an array; empty when absent.
    func audience() throws(ClientError) -> [String] {
        switch claims["aud"] {
        case nil, .null?: return []
        case .string(let value)?: return [value]
        case .array(let values)?:
            let strings = values.compactMap(\.string)
            guard strings.count == values.count else { throw wrongType("aud") }
            return strings
        default: throw wrongType("aud")
        }
    }

    /// The client the token was issued to: RFC 9068's `client_id`, or `azp` as Auth0's own token
    /// profile names it.
    func clientID() throws(ClientError) -> String? {
        if let clientID = try string("client_id") { return clientID }
        return try string("azp")
    }

    /// The token's scopes, from the space-separated `scope` string (RFC 9068 §2.2.3, RFC 7662 §2.2).
    func scope() throws(ClientError) -> Scope {
        Scope(try string("scope") ?? "")
    }

    /// The thumbprint of the key the token is bound to: `cnf.jkt` (RFC 9449 §6.1 in a JWT, §6.2
    /// in an introspection answer); nil for a token bound to no key (a bearer token), or bound
    /// by another confirmation method only.
    ///
    /// A `cnf` that is not an object, or a `jkt` that is not a non-empty string, refuses the
    /// token: read as "unbound", it would let a stolen bound token through as a bearer token.
    func confirmationThumbprint() throws(ClientError) -> String? {
        switch claims["cnf"] {
        case nil, .null?: return nil
        case .object(let confirmation)?:
            switch confirmation["jkt"] {
            case nil: return nil
            case .string(let thumbprint)? where !thumbprint.isEmpty: return thumbprint
            default: throw ClientError(.malformedAccessToken, "The \(what)'s 'cnf.jkt' is not a key thumbprint (RFC 9449 §6).")
            }
        default: throw wrongType("cnf")
        }
    }

    private func wrongType(_ name: String) -> ClientError {
        ClientError(.malformedAccessToken, "The \(what)'s '\(name)' claim has the wrong type.")
    }
}
