extension TokenResponse {
    /// The wire form, written directly (see ``JSONWriter``): the members of the `Encodable` form, in
    /// the seed's order, without building and walking an encoder's tree on every token request.
    /// The token endpoint answers with these bytes.
    public var jsonBytes: [UInt8] {
        var writer = JSONWriter(capacity: 192 + accessToken.unredacted.utf8.count + (idToken?.unredacted.utf8.count ?? 0))
        writer.beginObject()
        writer.member(CodingKeys.accessToken.rawValue, accessToken.unredacted)
        writer.member(CodingKeys.idToken.rawValue, idToken?.unredacted)
        writer.member(CodingKeys.scope.rawValue, scope?.description)
        writer.member(CodingKeys.expiresIn.rawValue, expiresIn)
        writer.member(CodingKeys.tokenType.rawValue, tokenType)
        writer.member(CodingKeys.refreshToken.rawValue, refreshToken?.unredacted)
        writer.endObject()
        return writer.bytes
    }
}
