import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Turns a request the generated code could not read — a body that is not JSON, a wrong type, an
/// unknown or missing field, a query value that is not a number — into Auth0's 400 `invalid_body`
/// instead of the 500 a thrown error would become.
///
/// The handlers never throw (they answer every refusal themselves), so an error reaching here is
/// the request's fault. The message names where the request went wrong, never the value found
/// there: a password is a value.
struct MalformedRequestRefusal: ServerMiddleware {
    func intercept(
        _ request: HTTPRequest,
        body: HTTPBody?,
        metadata: ServerRequestMetadata,
        operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        // Hummingbird hands over an empty body even when the request has none; an optional
        // body (the rotation's) must then read as absent, not as empty JSON.
        let hasBody = request.headerFields[.contentLength].map { $0 != "0" } ?? (request.headerFields[.transferEncoding] != nil)
        do {
            return try await next(request, hasBody ? body : nil, metadata)
        } catch let error as ServerError {
            let refusal = ManagementRefusal(status: 400, errorCode: "invalid_body", message: Self.message(for: error))
            let bytes = try JSONEncoder().encode(refusal.body)
            var response = HTTPResponse(status: .badRequest)
            response.headerFields[.contentType] = "application/json"
            return (response, HTTPBody(bytes))
        }
    }

    /// "Invalid request: <what the runtime could not do>", plus the field's path for a JSON body.
    static func message(for error: ServerError) -> String {
        var message = "Invalid request: " + error.causeDescription
        if let decoding = error.underlyingError as? DecodingError {
            switch decoding {
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
                message += Self.path(context.codingPath)
            case .keyNotFound(let key, let context):
                message += Self.path(context.codingPath + [key]) + " is missing"
            @unknown default:
                break
            }
        }
        return message
    }

    private static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.isEmpty ? "" : " at '" + codingPath.map(\.stringValue).joined(separator: ".") + "'"
    }
}
