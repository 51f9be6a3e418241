import Foundation
import Hummingbird
import TesseraCore

/// The step before `/authorize` validates anything: `client_id` and a pushed `request_uri`
/// (RFC 9126 §4) become the parameters the client pushed, and from then on the request is handled
/// exactly as if the browser had brought those parameters itself.
///
/// Only `client_id` is read beside the reference; every other parameter in the URL is ignored, as
/// §4 requires (the pushed ones were authenticated, the URL's were not). A `request_uri` that is
/// not a pushed one is left alone, for validation to refuse as `request_uri_not_supported`.
///
/// **When the reference is used up.** At this first `/authorize`, atomically (RFC 9126 §4 asks for
/// one-time use). The resolved parameters then travel in the login form like any other request's,
/// bound to the browser by the form's CSRF signature — which only this provider can make, and makes
/// only for a request that passed this step. Consuming the reference when the code is issued would
/// instead let it be replayed until then, and would fail any user who takes longer than the
/// reference's minute to type a password. A reload of the first page is refused, which §4 allows.
///
/// **Clients that must push** (`--require-par`, RFC 9126 §6): their requests without a reference
/// are refused here, after validation has trusted the redirect URI, as `invalid_request` sent back
/// to the client. The login form needs no such check: its signature proves the request passed
/// this one.
struct PushedRequestResolution: Sendable {
    let pushedRequests: any PushedRequestStore
    let clock: WallClock

    /// The request's parameters: as received, or the pushed ones its reference stands for.
    enum Resolution: Equatable {
        case notPushed(String)
        case pushed(String)
        /// The reference cannot be used; the message is for the error page.
        case refused(String)
    }

    /// `flow`'s validation of `query`, after resolving a pushed request in it.
    func validate(query: String, flow: AuthorizationFlow) async throws -> AuthorizationFlow.Validation {
        let parameters: String
        let pushed: Bool
        switch try await resolve(query: query) {
        case .notPushed(let query): (parameters, pushed) = (query, false)
        case .pushed(let resolved): (parameters, pushed) = (resolved, true)
        case .refused(let message):
            return .answered(flow.pages.errorResponse(status: .badRequest, title: "This login link is not valid", message: message,
                                                      code: "invalid_request_uri"))
        }
        let validation = try await flow.validate(query: parameters)
        if case .valid(let authorization) = validation, authorization.client.requiresPushedAuthorization, !pushed {
            return .answered(flow.redirectError(
                OAuthError(.invalidRequest, "This client requires pushed authorization requests: push the request to \(PushedAuthorizationEndpoint.path) and send its request_uri."),
                for: authorization))
        }
        return validation
    }

    func resolve(query: String) async throws -> Resolution {
        guard let pairs = FormURLEncoding.decode(query) else { return .notPushed(query) }
        let references = pairs.filter { $0.name == "request_uri" }.map(\.value)
        guard references.count == 1, let reference = references.first,
              reference.hasPrefix(PushedAuthorizationResponse.requestURIPrefix) else {
            return .notPushed(query)
        }
        let clientIDs = pairs.filter { $0.name == "client_id" }.map(\.value)
        guard clientIDs.count == 1, let clientID = clientIDs.first, !clientID.isEmpty else {
            return .refused("The request is missing the 'client_id' parameter that must accompany its request_uri.")
        }
        let randomPart = Secret(String(reference.dropFirst(PushedAuthorizationResponse.requestURIPrefix.count)))
        switch try await pushedRequests.usePushedRequest(referenceHash: SecretHash(of: randomPart), clientID: clientID, at: clock.now()) {
        case .consumed(let request):
            return .pushed(request.parameters)
        case .unknown, .otherClient:
            return .refused("The request_uri is unknown to this provider or was not issued to this application. Go back to the application and start the login again.")
        case .expired:
            return .refused("The request_uri has expired. Go back to the application and start the login again.")
        case .used:
            return .refused("The request_uri was already used; each one is good for a single login. Go back to the application and start the login again.")
        }
    }
}
