import Foundation
public import Hummingbird
import NIOCore
public import TesseraCore

extension RouterMethods {
    /// Serves the API's RFC 9728 metadata — which authorization servers issue its tokens, which
    /// scopes it knows, that tokens go in the `Authorization` header — so a client that met the
    /// API first (an MCP client following a 401's `resource_metadata`) can go and get a token.
    ///
    /// `GET /.well-known/oauth-protected-resource`, and for a resource identifier with a path the
    /// §3.1 URL clients derive from it (`https://api.example/v1` →
    /// `/.well-known/oauth-protected-resource/v1`). Public, JSON, cacheable for an hour (it
    /// changes when the API is redeployed), readable from any origin (a browser-based client).
    ///
    /// ```swift
    /// let metadata = ProtectedResourceMetadata(resource: "https://api.example/",
    ///                                          authorizationServers: ["https://login.example"],
    ///                                          scopesSupported: ["read:messages"])
    /// router.addProtectedResourceMetadata(metadata)
    /// ```
    @discardableResult
    public func addProtectedResourceMetadata(_ metadata: ProtectedResourceMetadata) -> Self {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // A value of this process: encoding it cannot fail.
        let document = ByteBuffer(bytes: (try? encoder.encode(metadata)) ?? Data("{}".utf8))
        let respond: @Sendable (Request, Context) -> Response = { _, _ in
            Response(status: .ok, headers: [
                .contentType: "application/json", .cacheControl: "public, max-age=3600", .accessControlAllowOrigin: "*",
            ], body: .init(byteBuffer: document))
        }
        for path in Set([ProtectedResourceMetadata.wellKnownPath, metadata.wellKnownRoutePath]) {
            get(RouterPath(path), use: respond)
        }
        return self
    }
}
