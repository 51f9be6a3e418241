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

extension IDTokenClaims {
    func writeMembers(to writer: inout JSONWriter) {
        writer.member(CodingKeys.iss.rawValue, iss)
        writer.member(CodingKeys.sub.rawValue, sub)
        writer.member(CodingKeys.aud.rawValue, aud)
        writer.member(CodingKeys.exp.rawValue, exp)
        writer.member(CodingKeys.iat.rawValue, iat)
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
        writer.member(CodingKeys.iss.rawValue, iss)
        writer.member(CodingKeys.sub.rawValue, sub)
        writer.member(CodingKeys.aud.rawValue, aud)
        writer.member(CodingKeys.exp.rawValue, exp)
        writer.member(CodingKeys.iat.rawValue, iat)
        writer.member(CodingKeys.jti.rawValue, jti)
        writer.member(CodingKeys.clientID.rawValue, clientID)
        writer.member(CodingKeys.scope.rawValue, scope)
        writer.member(CodingKeys.authTime.rawValue, authTime)
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
