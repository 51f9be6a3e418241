import HTTPTypes
import Hummingbird
import Logging
import TesseraCore

/// `POST /oauth/register` (RFC 7591 §3) and the client configuration endpoint
/// `GET|PUT|DELETE /oauth/register/{client_id}` (RFC 7592), present only when
/// `serve --registration open|token` turned them on.
///
/// A client that registers itself is third-party: users consent before it gets anything. What it
/// may register is checked by ``ClientMetadata`` with the same rules as `tessera clients add`;
/// every mistake is a 400 JSON error with RFC 7591's code, logged at `info` (the client's
/// mistake, not the server's), and nothing is written. Registrations are limited per client
/// address (``RegistrationThrottle``). Neither the client secret nor the registration access
/// token is ever logged, and both are stored only hashed.
struct RegistrationEndpoint: Sendable {
    static let path = "/oauth/register"
    static let clientIDParameter = "client_id"

    let mode: RegistrationMode
    let issuer: String
    let registration: DynamicRegistration
    let throttle: RegistrationThrottle
    let clientAddress: ClientAddressResolver
    /// Registrations, replacements and deletions are changes to clients: they go in the audit
    /// trail beside the administrator's, made by the client itself.
    let audit: EndpointAudit
    let clock: WallClock
    let maxBodyBytes: Int

    /// Client metadata must be JSON (RFC 7591 §3.1).
    static let notJSON = OAuthError(.invalidClientMetadata, "The body must be application/json client metadata (RFC 7591 §3.1).")

    /// `POST /oauth/register`: 201 with the client's credentials, shown once.
    func register(_ request: Request, context: ProviderRequestContext) async -> Response {
        let address = clientAddress.clientAddress(peer: context.peerAddress, headers: request.headers)
        if let wait = throttle.admit(address, now: clock.now()) {
            context.logger.notice("client registration refused: too many from one address")
            var response = OAuthError(.tooManyRequests, "Too many registrations from this address; try again in \(wait) seconds.").response()
            response.headers[.retryAfter] = String(wait)
            return response
        }
        do {
            var initialAccessToken: Secret?
            if mode == .token {
                guard let token = BearerToken.inHeader(of: request), try await registration.accepts(initialAccessToken: token) else {
                    throw DynamicRegistration.Refusal.initialAccessToken
                }
                initialAccessToken = token
            }
            let body = try await OAuthRequestBody.jsonBytes(of: request, limit: maxBodyBytes, otherwise: Self.notJSON)
            let metadata = try ClientMetadata(json: body.readableBytesView)
            let registered = try await registration.register(metadata, initialAccessToken: initialAccessToken)
            context.logger.notice("client registered", metadata: ["client_id": .string(registered.record.client.id)])
            await record(.clientCreated, of: registered.record.client, request: request, context: context,
                         details: ["dynamic_registration": .bool(true), "name": .string(registered.record.client.name)])
            return .json(representation(of: registered), status: .created)
        } catch {
            return failure(error, operation: "client registration", logger: context.logger)
        }
    }

    /// `GET /oauth/register/{client_id}` (RFC 7592 §2.1): the client's registered metadata, with a
    /// new registration access token (RFC 7592 §3 requires one in the answer; the old one stops working).
    func read(_ request: Request, context: ProviderRequestContext) async -> Response {
        do {
            let rotated = try await registration.rotateToken(of: try await authorizedRecord(request, context: context))
            return .json(representation(of: rotated))
        } catch {
            return failure(error, operation: "client configuration read", logger: context.logger)
        }
    }

    /// `PUT /oauth/register/{client_id}` (RFC 7592 §2.2): the metadata replaced, id and secret kept,
    /// and a new registration access token.
    func update(_ request: Request, context: ProviderRequestContext) async -> Response {
        do {
            let record = try await authorizedRecord(request, context: context)
            let body = try await OAuthRequestBody.jsonBytes(of: request, limit: maxBodyBytes, otherwise: Self.notJSON)
            let updated = try await registration.replace(record, with: try ClientMetadata.members(of: body.readableBytesView))
            context.logger.notice("registered client updated", metadata: ["client_id": .string(record.client.id)])
            await self.record(.clientUpdated, of: record.client, request: request, context: context, details: ["dynamic_registration": .bool(true)])
            return .json(representation(of: updated))
        } catch {
            return failure(error, operation: "client configuration update", logger: context.logger)
        }
    }

    /// `DELETE /oauth/register/{client_id}` (RFC 7592 §2.3): 204, and the client is gone with its
    /// grants and tokens.
    func delete(_ request: Request, context: ProviderRequestContext) async -> Response {
        do {
            let record = try await authorizedRecord(request, context: context)
            try await registration.delete(record)
            context.logger.notice("registered client deleted", metadata: ["client_id": .string(record.client.id)])
            await self.record(.clientDeleted, of: record.client, request: request, context: context, details: ["dynamic_registration": .bool(true)])
            return Response(status: .noContent, headers: [.cacheControl: "no-store", .pragma: "no-cache"])
        } catch {
            return failure(error, operation: "client configuration delete", logger: context.logger)
        }
    }

    /// Records a change the client made to its own registration (RFC 7591 / 7592).
    private func record(_ type: AuditEventType, of client: Client, request: Request, context: ProviderRequestContext,
                        details: [String: JSONValue]) async {
        await audit.request(request, context: context).record(type, actor: .client(id: client.id), clientID: client.id, userID: nil,
                                                              details: details)
    }

    /// The self-registered client the path names, if the request's bearer token is its
    /// registration access token; any other case is the same refusal, so nothing is revealed.
    private func authorizedRecord(_ request: Request, context: ProviderRequestContext) async throws -> RegisteredClientRecord {
        let clientID = context.parameters.get(Self.clientIDParameter) ?? ""
        return try await registration.authorizedRecord(clientID: clientID, token: BearerToken.inHeader(of: request))
    }

    /// RFC 7591 §3.2.1 / RFC 7592 §3's client information, with the fresh registration access
    /// token, and the client secret only at registration: afterwards only its hash is kept.
    private func representation(of answer: DynamicRegistration.Answer) -> [String: JSONValue] {
        let record = answer.record
        var members = record.metadata.members
        members["registration_access_token"] = .string(answer.registrationAccessToken.unredacted)
        if let secret = answer.secret { members["client_secret"] = .string(secret.unredacted) }
        members["client_id"] = .string(record.client.id)
        members["client_id_issued_at"] = .number(Double(record.createdAt))
        members["registration_client_uri"] = .string(issuer + Self.path + "/" + record.client.id)
        if !record.client.isPublic { members["client_secret_expires_at"] = .number(0) }
        return members
    }

    /// A refusal as RFC 7591 §3.2.2 / RFC 6750 §3 answer it; anything else is the server's fault.
    private func failure(_ error: any Error, operation: String, logger: Logger) -> Response {
        let refusal: OAuthError
        switch error {
        case DynamicRegistration.Refusal.initialAccessToken:
            refusal = OAuthError(.invalidToken, "A valid initial access token is required to register (Authorization: Bearer).")
        case DynamicRegistration.Refusal.registrationAccessToken:
            refusal = OAuthError(.invalidToken, "The registration access token is missing or not valid for this client.")
        case DynamicRegistration.Refusal.metadata(let error):
            refusal = error
        case let error as OAuthError:
            refusal = error
        case is OAuthRequestBody.TooLarge:
            logger.info("\(operation) refused", metadata: ["error": "request body too large"])
            return OAuthRequestBody.tooLargeResponse
        default:
            return OAuthFailureResponse.response(for: error, operation: operation, logger: logger)
        }
        logger.info("\(operation) refused", metadata: ["error": .string(refusal.code.rawValue)])
        return refusal.response(challenge: refusal.code == .invalidToken ? refusal.bearerChallenge : nil)
    }
}
