import TesseraCore

// How the claims signed on every token request write their JSON directly (``JWTClaimsWriting``):
// member for member what their `Encodable` forms write — same names and values, nil omitted, in
// the order of their coding keys — which `JWSWriterTests` pins by parsing both.

extension IDTokenPayload: JWTClaimsWriting {
    func writeMembers(to writer: inout JSONWriter) throws {
        claims.writeMembers(to: &writer)
        try user.writeReleased(to: &writer)
    }
}

/// The registered claims both tokens open with (RFC 7519 §4.1), in their coding keys' order:
/// `aud` a single string in an id_token (as it is encoded), an array in an access token.
private func writeRegistered(iss: String, sub: String, audience: [String], single: Bool, exp: Int, iat: Int,
                             to writer: inout JSONWriter) {
    writer.member("iss", iss)
    writer.member("sub", sub)
    if single { writer.member("aud", audience.first) } else { writer.member("aud", audience) }
    writer.member("exp", exp)
    writer.member("iat", iat)
}

extension IDTokenClaims {
    func writeMembers(to writer: inout JSONWriter) {
        writeRegistered(iss: iss, sub: sub, audience: [aud], single: true, exp: exp, iat: iat, to: &writer)
        writer.member(CodingKeys.authTime.rawValue, authTime)
        writer.member(CodingKeys.acr.rawValue, acr)
        writer.member(CodingKeys.amr.rawValue, amr)
        writer.member(CodingKeys.nonce.rawValue, nonce)
        writer.member(CodingKeys.atHash.rawValue, atHash)
        writer.member(CodingKeys.sid.rawValue, sid)
        writer.member(CodingKeys.azp.rawValue, azp)
    }
}

extension AccessTokenClaims: JWTClaimsWriting {
    func writeMembers(to writer: inout JSONWriter) {
        writeRegistered(iss: iss, sub: sub, audience: aud, single: false, exp: exp, iat: iat, to: &writer)
        writer.member(CodingKeys.jti.rawValue, jti)
        writer.member(CodingKeys.clientID.rawValue, clientID)
        writer.member(CodingKeys.scope.rawValue, scope)
        writer.member(CodingKeys.authTime.rawValue, authTime)
        if let cnf {
            writer.key(CodingKeys.cnf.rawValue)
            writer.beginObject()
            writer.member("jkt", cnf.jkt)
            writer.endObject()
        }
    }
}

extension UserClaims {
    /// The released claims without `sub`, in name order, into the object `writer` is writing.
    func writeReleased(to writer: inout JSONWriter) throws {
        for (name, value) in released.sorted(by: { $0.key < $1.key }) {
            try writer.member(name, value)
        }
    }

    /// The userinfo response (OpenID Connect Core §5.3.2): `sub`, then the released claims.
    var jsonBytes: [UInt8] {
        get throws {
            var writer = JSONWriter()
            writer.beginObject()
            writer.member("sub", sub)
            try writeReleased(to: &writer)
            writer.endObject()
            return writer.bytes
        }
    }
}
