public import Foundation

/// The parameters of an OAuth request body, each given at most once (RFC 6749 §3.2) — but for
/// RFC 8707's `resource`, which may be repeated and whose every value ``values(of:)`` keeps.
///
/// Built from either body the token endpoint accepts: `application/x-www-form-urlencoded`, as
/// RFC 6749 requires, or a flat `application/json` object of strings, as Auth0 accepts and the
/// seed's Node and Python code sends. A parameter sent with an empty value counts as omitted
/// (RFC 6749 §3.1).
public struct OAuthParameters: Sendable {
    private var values: [String: String]
    /// The values after the first of a parameter that may be repeated.
    private var repeatedValues: [String: [String]] = [:]

    /// The parameters a request may give more than once: RFC 8707 §2 lets a client name several
    /// resources. Whether several are acceptable is the endpoint's decision, not the parser's.
    public static let repeatable: Set<String> = [ResourceIndicator.parameter]

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
    /// (numbers and booleans are taken as their text, as Auth0 does) with no name repeated. A
    /// ``repeatable`` parameter may also be an array of strings, JSON's way of giving it several
    /// times. That name repeated as a key names several resources too, so it is `invalid_target`
    /// at once (the parsed object kept only one of the values).
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
            case let array as [Any] where Self.repeatable.contains(name):
                for element in array {
                    guard let string = element as? String else {
                        throw OAuthError(.invalidRequest, "The parameter '\(name)' must be a string or an array of strings.")
                    }
                    try insert(name: name, value: string)
                }
            default:
                throw OAuthError(.invalidRequest, "The parameter '\(name)' must be a string.")
            }
        }
        if let duplicate = JSONKeyScanner.firstRepeatedTopLevelKey(in: body) {
            if duplicate == ResourceIndicator.parameter { throw ResourceIndicator.severalResources }
            throw OAuthError(.invalidRequest, "The parameter '\(duplicate)' was given more than once.")
        }
    }

    /// The parameter's value; for a ``repeatable`` one given several times, the first — read
    /// those with ``values(of:)``.
    public subscript(name: String) -> String? {
        values[name]
    }

    /// Every value given for the parameter, in order: several only for a ``repeatable`` one.
    public func values(of name: String) -> [String] {
        guard let first = values[name] else { return [] }
        return [first] + (repeatedValues[name] ?? [])
    }

    /// The names that were given, for checks such as "no secret in the query string".
    public var names: Dictionary<String, String>.Keys { values.keys }

    private mutating func insert(name: String, value: String) throws(OAuthError) {
        let repeats = values[name] != nil
        guard !repeats || Self.repeatable.contains(name) else {
            throw OAuthError(.invalidRequest, "The parameter '\(name)' was given more than once.")
        }
        if let error = Self.controlCharacterError(name: name, value: value) { throw error }
        guard !value.isEmpty else { return }
        if repeats {
            repeatedValues[name, default: []].append(value)
        } else {
            values[name] = value
        }
    }
}
