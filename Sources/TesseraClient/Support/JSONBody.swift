import Foundation

/// A response body decoded as `type`; when it is not, a `.malformedResponse` naming `what`, the
/// failing field and the HTTP status — never quoting a value, which might be a token.
func decodeJSON<T: Decodable>(_ type: T.Type, from body: [UInt8], status: Int, what: String) throws(ClientError) -> T {
    do {
        return try JSONDecoder().decode(type, from: Data(body))
    } catch {
        throw ClientError(.malformedResponse, "\(what) is not the expected JSON: \(DecodingFailure(error)).", status: status)
    }
}

/// A decoding error told in a few words, naming the field but never quoting a value.
struct DecodingFailure: CustomStringConvertible {
    let error: any Error

    init(_ error: any Error) { self.error = error }

    var description: String {
        switch error as? DecodingError {
        case .keyNotFound(let key, _): "'\(key.stringValue)' is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            "'\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type"
        case .dataCorrupted(let context) where context.codingPath.isEmpty: "the body is not JSON"
        case .dataCorrupted(let context): "'\(context.codingPath.map(\.stringValue).joined(separator: "."))' is invalid"
        default: "unreadable"
        }
    }
}
