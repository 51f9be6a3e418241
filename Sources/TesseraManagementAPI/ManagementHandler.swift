import Logging
import TesseraCore
import TesseraServer

/// The generated `APIProtocol`: each operation parses its input, calls the administration layer
/// once, and maps the answer to the document's shape. No administrative rule lives here — the CLI
/// and this API must refuse and record the same things (``Administration``).
struct ManagementHandler: APIProtocol {
    let provider: Provider
    let logger = Logger(label: "tessera.management")

    /// Runs one operation for the authenticated caller, if its token carries `permission`.
    ///
    /// - Parameters:
    ///   - refused: the operation's `default` response, for every refusal: 401 without a caller
    ///     (the route was mounted without ``ManagementAuthentication``), 403 without the
    ///     permission, 400/404/409 from the administration layer, 500 when the store fails.
    ///   - operation: the work, given the administration layer acting as `management-api:CLIENT_ID` from the caller's address.
    func perform<Output>(
        _ permission: String,
        refused: (Int, Components.Responses._Error) -> Output,
        _ operation: (Administration) async throws -> Output
    ) async -> Output {
        let refusal: ManagementRefusal
        do {
            guard let caller = ManagementRequest.caller else {
                throw ManagementRefusal(status: 401, errorCode: "invalid_token", message: "An access token is required.",
                                        challenge: #"Bearer realm="tessera""#)
            }
            do {
                try caller.require(permission)
            } catch {
                throw ManagementRefusal(error, permission: permission)
            }
            return try await operation(provider.administration(actor: .managementAPI(clientID: caller.clientID), ipAddress: caller.ipAddress))
        } catch let error as ManagementRefusal {
            refusal = error
        } catch let error as RegistrationError {
            refusal = ManagementRefusal(error)
        } catch {
            logger.error("management API operation failed", metadata: ["error.type": .string(String(describing: type(of: error)))])
            refusal = ManagementRefusal(status: 500, errorCode: "server_error", message: "The request could not be completed; try again.")
        }
        // The challenge goes out through the middleware, untouched by the generated code's
        // header encoding (which would percent-encode its quotes and spaces).
        ManagementRequest.challenge?.value = refusal.challenge
        return refused(refusal.status, .init(body: .json(refusal.body)))
    }

    /// The page a list operation asks for; out of range is the administration layer's 400.
    func pageRequest(page: Int?, perPage: Int?) throws -> PageRequest {
        try PageRequest(page: page ?? 0, perPage: perPage ?? PageRequest.defaultPerPage)
    }
}
