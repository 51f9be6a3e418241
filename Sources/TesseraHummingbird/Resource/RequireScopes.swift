public import Hummingbird
import Logging
import TesseraClient
public import TesseraCore

/// Lets a request through only when its verified access token carries every one of `scopes`;
/// otherwise 403 `WWW-Authenticate: Bearer error="insufficient_scope", scope="…"` (RFC 6750 §3.1),
/// which tells the client exactly which permissions to ask the authorization server for — in the
/// `DPoP` scheme, with `algs`, when the token is DPoP-bound (RFC 9449 §7.1).
///
/// It sits behind ``BearerTokenMiddleware``, which verifies the token. Placed without it (or
/// before it), it finds no token and answers 401, never letting a request through unchecked, and
/// logs the misconfiguration at `error` — that one is the API's fault.
///
/// ```swift
/// router.group("/messages")
///     .add(middleware: BearerTokenMiddleware(verifier: validator, metadata: metadata))
///     .add(middleware: RequireScopes("read:messages", metadata: metadata))
///     .get { _, context in "hello \(context.accessToken?.subject ?? "")" }
/// ```
public struct RequireScopes<Context: AccessTokenRequestContext>: RouterMiddleware {
    let scopes: Scope
    let resourceMetadata: String?
    let dpopAlgorithms: [String]

    /// - Parameters:
    ///   - scopes: the permissions a request needs, space-separated or one per argument.
    ///   - metadata: the API's RFC 9728 document, named in the challenge (as MCP clients expect).
    public init(_ scopes: String..., metadata: ProtectedResourceMetadata? = nil, context: Context.Type = Context.self) {
        self.init(Scope(scopes.joined(separator: " ")), metadata: metadata)
    }

    public init(_ scopes: Scope, metadata: ProtectedResourceMetadata? = nil, context: Context.Type = Context.self) {
        self.scopes = scopes
        self.resourceMetadata = metadata?.metadataURL
        self.dpopAlgorithms = metadata?.dpopSigningAlgValuesSupported ?? DPoPAlgorithm.supportedNames
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = context.accessToken else {
            context.logger.error("RequireScopes found no verified access token: put BearerTokenMiddleware before it")
            return BearerRefusal.missingToken(resourceMetadata: resourceMetadata).response
        }
        guard scopes.isSubset(of: token.scopes) else {
            context.logger.debug("access token lacks a scope", metadata: ["scope.needed": "\(scopes)", "scope.held": "\(token.scopes)"])
            let scheme: AuthenticationScheme = token.boundKeyThumbprint == nil ? .bearer : .dpop
            return BearerRefusal.insufficientScope(scopes, resourceMetadata: resourceMetadata, scheme: scheme,
                                                   dpopAlgorithms: scheme == .dpop ? dpopAlgorithms : []).response
        }
        return try await next(request, context)
    }
}
