public import Hummingbird
import Logging
public import TesseraClient
public import TesseraCore

/// Lets a request through to an API only with an access token the ``AccessTokenVerifier`` accepts
/// (an ``AccessTokenValidator`` for JWTs, a ``TokenIntrospector`` for opaque tokens), and puts the
/// verified token in `context.accessToken`. DPoP-bound tokens (RFC 9449) are accepted only with a
/// proof of their key; bearer tokens as RFC 6750 says.
///
/// It answers as RFC 6750 §3, RFC 9449 §7.1 and RFC 9728 §5.1 say, each with a JSON body too:
/// - no token: 401 `WWW-Authenticate: Bearer resource_metadata="…"` and a second challenge
///   `DPoP algs="…", resource_metadata="…"`, no error code (§3.1), so a client that has never
///   seen the API learns where its metadata — and so its authorization server — is;
/// - a token the verifier refuses: 401 `Bearer error="invalid_token", error_description="…"`
///   (`DPoP error="invalid_token", …, algs="…"` when it came as `Authorization: DPoP`);
/// - a DPoP-bound token (`cnf.jkt`) sent as `Bearer`: 401 `invalid_token` — whoever stole it
///   lacks the key, and must not get in by leaving the proof out; a `DPoP` scheme with a token
///   bound to no key: 401 `invalid_token` too;
/// - `Authorization: DPoP` without exactly one valid `DPoP` proof — signed by the token's key,
///   for this method and URL, with the token's `ath`, fresh, and not seen before: 401
///   `DPoP error="invalid_dpop_proof", error_description="…", algs="…"`;
/// - a token sent wrongly (two `Authorization` headers, in the URL, in a form body): 400
///   `invalid_request`;
/// - the authorization server unreachable, so the token could not be checked (or the shared
///   replay store down): 503, since the client is not at fault and must not throw its token away.
///
/// DPoP needs the URL clients call (see ``DPoPVerification``: the metadata's `resource` origin by
/// default, never the `Host` header) and the algorithms of the metadata's
/// `dpop_signing_alg_values_supported`; with neither, the API reads bearer tokens only. The
/// metadata's `dpop_bound_access_tokens_required` makes the API refuse bearer tokens as well.
///
/// The token is never logged; a refused token is logged at `debug` with the verifier's error code
/// only (a client's mistake is not the API's error). The metadata document's own paths pass
/// through unguarded, so the middleware can sit in front of the whole router.
///
/// ```swift
/// let router = Router(context: BasicAccessTokenRequestContext.self)
/// router.addProtectedResourceMetadata(metadata)
/// router.add(middleware: BearerTokenMiddleware(verifier: validator, metadata: metadata))
/// router.get("/messages") { _, context in "hello \(context.accessToken?.subject ?? "")" }
/// ```
public struct BearerTokenMiddleware<Context: AccessTokenRequestContext>: RouterMiddleware {
    let verifier: any AccessTokenVerifier
    let resourceMetadata: String?
    let unguardedPaths: Set<String>
    let formBodyLimit: Int
    /// How DPoP proofs are checked; nil when the API does not do DPoP.
    let proofs: ResourceProofCheck?
    /// Whether bearer tokens are refused (`dpop_bound_access_tokens_required`).
    let requiresDPoP: Bool

    /// - Parameters:
    ///   - verifier: decides whether a token is good for this API.
    ///   - metadata: the API's RFC 9728 document (see ``Hummingbird/RouterMethods/addProtectedResourceMetadata(_:)``);
    ///     its URL goes in every challenge, its `resource` origin is the URL DPoP proofs must
    ///     name, and its DPoP fields say which proofs are accepted and whether they are required.
    ///     `nil` leaves `resource_metadata` out.
    ///   - formBodyLimit: how much of a form-encoded body is read to check that it carries no
    ///     `access_token`; a larger one is refused with 413.
    ///   - dpop: the public URL (when not the metadata's), the replay guard and the clock.
    public init(verifier: any AccessTokenVerifier, metadata: ProtectedResourceMetadata?,
                formBodyLimit: Int = 1 << 20, dpop: DPoPVerification = DPoPVerification(), context: Context.Type = Context.self) {
        self.verifier = verifier
        self.resourceMetadata = metadata?.metadataURL
        self.unguardedPaths = metadata.map { [ProtectedResourceMetadata.wellKnownPath, $0.wellKnownRoutePath] } ?? []
        self.formBodyLimit = formBodyLimit
        let algorithms = metadata.map { $0.dpopSigningAlgValuesSupported ?? [] } ?? DPoPAlgorithm.supportedNames
        self.proofs = ResourceProofCheck(settings: dpop, resource: metadata?.resource, algorithms: algorithms)
        self.requiresDPoP = metadata?.dpopBoundAccessTokensRequired == true && proofs != nil
    }

    /// The `algs` of this API's DPoP challenges; empty when it does not do DPoP.
    var dpopAlgorithms: [String] { proofs?.algorithmNames ?? [] }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if unguardedPaths.contains(request.uri.path) {
            return try await next(request, context)
        }
        var request = request
        var context = context
        let found: BearerCredentials.Found
        do {
            found = try await BearerCredentials.find(in: &request, formBodyLimit: formBodyLimit, resourceMetadata: resourceMetadata,
                                                     dpopAlgorithms: dpopAlgorithms)
        } catch let refusal as BearerRefusal {
            context.logger.debug("bearer request malformed", metadata: ["error.description": "\(refusal.description ?? "")"])
            return refusal.response
        }
        do {
            switch found {
            case .bearer(let token):
                context.accessToken = try await bearer(token, logger: context.logger)
            case .dpop(let token, let proofs) where self.proofs != nil:
                context.accessToken = try await dpop(token, proofs: proofs, request: request, logger: context.logger)
            case .none, .dpop:
                return BearerRefusal.missingToken(resourceMetadata: resourceMetadata, dpopAlgorithms: dpopAlgorithms).response
            }
        } catch {
            return error.response
        }
        return try await next(request, context)
    }

    /// A bearer token: good for this API, and bound to no key.
    private func bearer(_ token: Secret, logger: Logger) async throws(BearerRefusal) -> VerifiedAccessToken {
        let verified = try await verify(token, scheme: .bearer, logger: logger)
        if verified.boundKeyThumbprint != nil {
            logger.debug("access token refused", metadata: ["error.code": "dpopBoundTokenAsBearer"])
            throw BearerRefusal.invalidToken(
                "The access token is bound to a DPoP key: send it as Authorization: DPoP with a DPoP proof signed by that key (RFC 9449 section 7.1).",
                resourceMetadata: resourceMetadata, dpopAlgorithms: dpopAlgorithms)
        }
        if requiresDPoP {
            logger.debug("access token refused", metadata: ["error.code": "dpopRequired"])
            throw BearerRefusal.invalidToken("This API accepts only DPoP-bound access tokens (RFC 9449 section 7.1).",
                                             resourceMetadata: resourceMetadata, dpopAlgorithms: dpopAlgorithms)
        }
        return verified
    }

    /// A DPoP-bound token and its proof. After the free check that there is exactly one proof, the
    /// token is verified before the proof: its `cnf.jkt` is what the proof must be signed with, and
    /// a client whose token is dead needs a new token, not a new proof.
    private func dpop(_ token: Secret, proofs: [String], request: Request, logger: Logger) async throws(BearerRefusal) -> VerifiedAccessToken {
        guard let check = self.proofs else { throw BearerRefusal.missingToken(resourceMetadata: resourceMetadata) }
        let proof = try check.single(proofs, resourceMetadata: resourceMetadata, logger: logger)
        let verified = try await verify(token, scheme: .dpop, logger: logger)
        guard let thumbprint = verified.boundKeyThumbprint else {
            logger.debug("access token refused", metadata: ["error.code": "dpopUnboundToken"])
            throw BearerRefusal.invalidToken("The access token is not bound to a DPoP key: send it as Authorization: Bearer (RFC 9449 section 7.1).",
                                             resourceMetadata: resourceMetadata, scheme: .dpop, dpopAlgorithms: dpopAlgorithms)
        }
        try await check.verify(proof, method: request.method, path: request.uri.path, accessToken: token, boundTo: thumbprint,
                               resourceMetadata: resourceMetadata, logger: logger)
        return verified
    }

    /// The verifier's answer: 401 `invalid_token` in `scheme` when it refuses, 503 when it cannot tell.
    private func verify(_ token: Secret, scheme: AuthenticationScheme, logger: Logger) async throws(BearerRefusal) -> VerifiedAccessToken {
        do {
            return try await verifier.verify(token)
        } catch where error.isAuthorizationServerUnavailable {
            logger.warning("access token could not be checked: authorization server unavailable",
                           metadata: ["error.code": "\(error.code)", "error.message": "\(error.message)"])
            throw BearerRefusal.authorizationServerUnavailable
        } catch {
            logger.debug("access token refused", metadata: ["error.code": "\(error.code)"])
            throw BearerRefusal.invalidToken(error.message, resourceMetadata: resourceMetadata, scheme: scheme,
                                             dpopAlgorithms: scheme == .dpop ? dpopAlgorithms : [])
        }
    }
}
