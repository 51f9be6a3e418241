import Foundation
import HTTPTypes
import Hummingbird
import TesseraCore
import TesseraServer

/// A refused management request in Auth0's error shape, `{statusCode, error, message, errorCode}`,
/// with the Bearer challenge of a 401 or 403 (RFC 6750 §3).
///
/// One value for both places that refuse: the authentication middleware, which answers before the
/// generated code runs, and the handlers, whose documented `default` response carries the same body.
struct ManagementRefusal: Error, Sendable {
    var status: Int
    var errorCode: String
    var message: String
    var challenge: String?

    init(status: Int, errorCode: String, message: String, challenge: String? = nil) {
        self.status = status
        self.errorCode = errorCode
        self.message = message
        self.challenge = challenge
    }

    /// An OAuth refusal of the token (401 `invalid_token`) or of its scope (403 `insufficient_scope`).
    init(_ error: OAuthError, permission: String? = nil) {
        var challenge = error.bearerChallenge
        if let permission { challenge += #", scope=""# + permission + #"""# }
        self.init(status: error.status, errorCode: error.code.rawValue, message: error.description ?? error.code.rawValue,
                  challenge: error.status == 401 || error.status == 403 ? challenge : nil)
    }

    /// An administration layer's refusal: a bad value 400, a name taken 409, nothing there 404.
    init(_ error: RegistrationError) {
        switch error {
        case .invalid, .invalidRedirectURI:
            self.init(status: 400, errorCode: "invalid_body", message: error.description)
        case .duplicate:
            self.init(status: 409, errorCode: "conflict", message: error.description)
        case .notFound:
            self.init(status: 404, errorCode: "inexistent_resource", message: error.description)
        }
    }

    /// Auth0's `error`: the status's reason phrase.
    var reason: String {
        switch status {
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 409: "Conflict"
        default: "Internal Server Error"
        }
    }

    var body: Components.Schemas._Error {
        Components.Schemas._Error(statusCode: status, error: reason, message: message, errorCode: errorCode)
    }

    /// The same refusal as a Hummingbird response, for the middlewares that answer before the
    /// generated code.
    var response: Response {
        var headers: HTTPFields = [.contentType: "application/json", .cacheControl: "no-store"]
        if let challenge { headers[.wwwAuthenticate] = challenge }
        let bytes = (try? JSONEncoder().encode(body)) ?? Data()
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
