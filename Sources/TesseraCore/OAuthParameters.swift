public import Foundation

/// The parameters of an OAuth request body, each given at most once (RFC 6749 §3.2).
///
/// Built from either body the token endpoint accepts: `application/x-www-form-urlencoded`, as
/// RFC 6749 requires, or a flat `application/json` object of strings, as Auth0 accepts and the
/// seed's Node and Python code sends. A parameter sent with an empty value counts as omitted
/// (RFC 6749 §3.1).
public struct OAuthParameters: Sendable {
    private var values: [String: String]

    public init(_ values: [String: String] = [:]) {
        self.values = values.filter { !$0.value.isEmpty }
    }

    /// The parameters of a form body; `invalid_request` when it is malformed or repeats a name.
    public init(form body: String) throws(OAuthError) {
        guard let pairs = FormURLEncoding.decode(body) else {
            throw OAuthError(.invalidRequest, "The request body is not valid application/x-www-form-urlencoded.")
        }
        self.init()
        for (name, value) in pairs {
            try insert(name: name, value: value)
        }
    }

    /// The parameters of a JSON body; `invalid_request` unless it is one object of string values
    /// (numbers and booleans are taken as their text, as Auth0 does) with no name repeated.
    public init(json body: Data) throws(OAuthError) {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw OAuthError(.invalidRequest, "The request body is not a JSON object.")
        }
        self.init()
        for (name, value) in object {
            switch value {
            case let string as String:
                try insert(name: name, value: string)
            case let number as NSNumber:
                try insert(name: name, value: number.stringValue)
            case is NSNull:
                continue
            default:
                throw OAuthError(.invalidRequest, "The parameter '\(name)' must be a string.")
            }
        }
        if let duplicate = JSONKeyScanner.firstRepeatedTopLevelKey(in: body) {
            throw OAuthError(.invalidRequest, "The parameter '\(duplicate)' was given more than once.")
        }
    }

    public subscript(name: String) -> String? {
        values[name]
    }

    /// The names that were given, for checks such as "no secret in the query string".
    public var names: Dictionary<String, String>.Keys { values.keys }

    private mutating func insert(name: String, value: String) throws(OAuthError) {
        guard values[name] == nil else {
            throw OAuthError(.invalidRequest, "The parameter '\(name)' was given more than once.")
        }
        if let error = Self.controlCharacterError(name: name, value: value) { throw error }
        if !value.isEmpty {
            values[name] = value
        }
    }
}
