import Foundation

/// The `claims` authorization request parameter (OpenID Connect Core §5.5): which individual
/// claims the client asks for, in the id_token and at the userinfo endpoint, beyond what its
/// scopes release.
///
/// Parsed strictly enough to refuse what cannot be meant (`invalid_request`), loosely enough to
/// follow §5.5's "members not understood MUST be ignored": unknown top-level members and unknown
/// members of a claim's object are dropped. A password provider can do nothing more for an
/// `essential` claim than return it when the user has it, so `essential` is kept but changes
/// nothing; `value`/`values` are kept for the record.
///
/// ```swift
/// let request = try ClaimsRequest(json: #"{"id_token":{"email":{"essential":true}},"userinfo":{"picture":null}}"#)
/// request.idToken.keys     // ["email"]
/// request.userinfo.keys    // ["picture"]
/// ```
public struct ClaimsRequest: Sendable, Equatable, Codable {
    /// What is asked of one claim: `null` in the request is an entry with every field nil.
    public struct Entry: Sendable, Equatable, Codable {
        public var essential: Bool?
        public var value: JSONValue?
        public var values: [JSONValue]?

        public init(essential: Bool? = nil, value: JSONValue? = nil, values: [JSONValue]? = nil) {
            self.essential = essential
            self.value = value
            self.values = values
        }
    }

    /// Claims asked for at the userinfo endpoint.
    public var userinfo: [String: Entry]
    /// Claims asked for in the id_token.
    public var idToken: [String: Entry]

    enum CodingKeys: String, CodingKey {
        case userinfo
        case idToken = "id_token"
    }

    public init(userinfo: [String: Entry] = [:], idToken: [String: Entry] = [:]) {
        self.userinfo = userinfo
        self.idToken = idToken
    }

    /// Parses the parameter's value.
    /// - Throws: ``ClaimsRequestError`` naming the first thing that is wrong.
    public init(json text: String) throws(ClaimsRequestError) {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        } catch {
            throw ClaimsRequestError("The claims parameter is not valid JSON.")
        }
        guard let members = value.object else {
            throw ClaimsRequestError("The claims parameter must be a JSON object.")
        }
        self.init(userinfo: try Self.entries(members["userinfo"], member: "userinfo"),
                  idToken: try Self.entries(members["id_token"], member: "id_token"))
    }

    /// The JSON form, for storing the request with its grant.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// The `sub` the id_token must carry, when the request names one (§5.5.1): no code may be
    /// issued for another user, whoever is logged in.
    public var requiredSubject: String? {
        idToken["sub"]?.value?.string
    }

    /// Whether nothing at all is asked for.
    public var isEmpty: Bool { userinfo.isEmpty && idToken.isEmpty }

    private static func entries(_ value: JSONValue?, member: String) throws(ClaimsRequestError) -> [String: Entry] {
        guard let value, value != .null else { return [:] }
        guard let claims = value.object else {
            throw ClaimsRequestError("claims.\(member) must be a JSON object of claim names.")
        }
        var entries: [String: Entry] = [:]
        for (name, request) in claims {
            entries[name] = try entry(request, path: "claims.\(member).\(name)")
        }
        return entries
    }

    private static func entry(_ value: JSONValue, path: String) throws(ClaimsRequestError) -> Entry {
        if value == .null { return Entry() }
        guard let object = value.object else {
            throw ClaimsRequestError("\(path) must be null or a JSON object.")
        }
        var entry = Entry()
        switch object["essential"] {
        case nil, .null?: break
        case .bool(let essential)?: entry.essential = essential
        default: throw ClaimsRequestError("\(path).essential must be true or false.")
        }
        if let value = object["value"], value != .null {
            entry.value = value
        }
        switch object["values"] {
        case nil, .null?: break
        case .array(let values)?: entry.values = values
        default: throw ClaimsRequestError("\(path).values must be a JSON array.")
        }
        return entry
    }
}

/// Why a `claims` parameter was refused; the description is the `error_description`.
public struct ClaimsRequestError: Error, Equatable, CustomStringConvertible {
    public let description: String

    init(_ description: String) { self.description = description }
}
