import Foundation
import JWTKit
import TesseraCore

/// `id_token_hint`: an ID token this provider issued, sent back by a client to name the user it
/// expects — at the authorization endpoint (OpenID Connect Core §3.1.2.1) and at logout
/// (RP-Initiated Logout 1.0 §2). Both read it through ``verified(_:keyRing:issuer:)``, so the
/// two endpoints cannot disagree on what counts as an ID token.
///
/// The hint must verify against the key ring and name this issuer; anything else is
/// `invalid_request`. Its header must say `typ: JWT`, as Tessera's ID tokens do, so that an
/// RFC 9068 access token (`at+jwt`) or a logout token (`logout+jwt`), signed by the same keys, is
/// not mistaken for one. An expired hint is fine: the specifications allow it, and a client sends
/// its last ID token, however old. At /authorize what the hint names is then compared with the
/// live session: a session of another user is not reused, so `prompt=none` answers
/// `login_required` and otherwise the login page is shown.
struct IDTokenHint: JWTPayload {
    var iss: String
    var sub: String
    var aud: AudienceClaim
    /// The login session the token was issued in; logout ends a session at once only for its own.
    var sid: String?

    /// Expiry is deliberately not checked (see above); the signature is, by the key ring.
    func verify(using algorithm: some JWTAlgorithm) async throws {}

    /// The claims of `token`, or `invalid_request` if it is not an ID token issued here.
    static func verified(_ token: String, keyRing: KeyRing, issuer: String) async throws(OAuthError) -> IDTokenHint {
        guard isIDTokenType(token), let hint = try? await keyRing.verify(token, as: IDTokenHint.self), hint.iss == issuer else {
            throw OAuthError(.invalidRequest, "The id_token_hint is not an ID token this provider issued.")
        }
        return hint
    }

    /// The user `token` names, or `invalid_request` if it is not an ID token issued here for `clientID`.
    static func subject(of token: String, keyRing: KeyRing, issuer: String, clientID: String) async throws(OAuthError) -> String {
        guard let hint = try? await verified(token, keyRing: keyRing, issuer: issuer), hint.aud.value.contains(clientID) else {
            throw OAuthError(.invalidRequest, "The id_token_hint is not an ID token this provider issued to this client.")
        }
        return hint.sub
    }

    /// Whether the hint was issued in `session`, for its user.
    func names(_ session: LoginSession) -> Bool {
        sid == session.sid && sub == session.userID
    }

    /// Whether the JOSE header's `typ` is the one Tessera's ID tokens carry.
    private static func isIDTokenType(_ token: String) -> Bool {
        guard let first = token.split(separator: ".", maxSplits: 1).first, let bytes = Base64URL.decode(String(first)),
              let header = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else { return false }
        return header["typ"] as? String == "JWT"
    }
}
