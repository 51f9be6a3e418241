extension ProtectedResourceMetadata {
    /// The well-known suffix of RFC 9728 §3.
    public static let wellKnownPath = "/.well-known/oauth-protected-resource"

    /// Where a client looks for this document (RFC 9728 §3.1): the resource identifier with
    /// `/.well-known/oauth-protected-resource` put between its host and its path, a lone
    /// terminating `/` dropped. The API names it in its 401s' `resource_metadata` (§5.1), and
    /// a client that met the API without a 401 derives the same URL itself.
    ///
    /// ```swift
    /// ProtectedResourceMetadata(resource: "https://api.example/").metadataURL
    /// // "https://api.example/.well-known/oauth-protected-resource"
    /// ProtectedResourceMetadata(resource: "https://api.example/v1").metadataURL
    /// // "https://api.example/.well-known/oauth-protected-resource/v1"
    /// ```
    public var metadataURL: String {
        let (origin, _, query) = Self.split(resource)
        return origin + wellKnownRoutePath + (query.map { "?" + $0 } ?? "")
    }

    /// The path the API serves the document on: the path of ``metadataURL``.
    public var wellKnownRoutePath: String {
        Self.wellKnownPath + Self.split(resource).path
    }

    /// The scheme and authority, the path (empty for none or a lone `/`), and the query of a
    /// resource identifier; a fragment, which §1.2 forbids, is left out.
    private static func split(_ resource: String) -> (origin: Substring, path: Substring, query: Substring?) {
        let withoutFragment = resource.prefix { $0 != "#" }
        let authorityStart = withoutFragment.firstRange(of: "://")?.upperBound ?? withoutFragment.startIndex
        let pathStart = withoutFragment[authorityStart...].firstIndex { $0 == "/" || $0 == "?" } ?? withoutFragment.endIndex
        let rest = withoutFragment[pathStart...]
        var path = rest.prefix { $0 != "?" }
        let query = rest.firstIndex(of: "?").map { rest[rest.index(after: $0)...] }
        if path == "/" { path = path.dropFirst() }
        return (withoutFragment[..<pathStart], path, query)
    }
}
