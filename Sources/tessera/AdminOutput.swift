import Foundation
import TesseraCore
import TesseraServer

/// How the administration commands print: one line of JSON with `--json` (keys sorted, so output
/// is stable for scripts), and the JSON shapes of the records they show — never a secret or a
/// secret's hash.
enum AdminOutput {
    /// Prints `object` as one line of JSON.
    static func printJSON(_ object: Any) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        print(String(decoding: data, as: UTF8.self))
    }

    /// Every item of a paged list, read a page of the largest size at a time.
    static func all<Item: Sendable>(_ fetch: (PageRequest) async throws -> ResultPage<Item>) async throws -> [Item] {
        var items: [Item] = []
        var page = 0
        while true {
            let result = try await fetch(try PageRequest(page: page, perPage: PageRequest.maximumPerPage))
            items += result.items
            guard !result.items.isEmpty, items.count < result.total else { return items }
            page += 1
        }
    }

    /// A client by its RFC 7591 metadata names (`client_secret` never: only its hash is stored).
    static func json(_ client: Client) -> [String: Any] {
        [
            "client_id": client.id, "client_name": client.name, "public": client.isPublic, "third_party": client.isThirdParty,
            "redirect_uris": client.redirectURIs, "post_logout_redirect_uris": client.postLogoutRedirectURIs,
            "grant_types": client.grantTypes.map(\.rawValue), "id_token_signed_response_alg": client.idTokenAlgorithm,
            "require_pushed_authorization_requests": client.requiresPushedAuthorization,
            "dpop_bound_access_tokens": client.requiresDPoP,
            "backchannel_logout_uri": client.backchannelLogoutURI ?? NSNull(),
        ]
    }

    /// A user as the OpenID claims name them, with the other standard claims (never the password hash).
    static func json(_ user: User) throws -> [String: Any] {
        var object: [String: Any] = ["user_id": user.id, "email": user.email, "name": user.name, "email_verified": user.emailVerified,
                                     "created_at": user.createdAt ?? NSNull(), "updated_at": user.updatedAt ?? NSNull()]
        for (claim, value) in user.claims {
            object[claim] = try JSONSerialization.jsonObject(with: JSONEncoder().encode(value), options: [.fragmentsAllowed])
        }
        return object
    }

    /// A claim's value for a line of text: a string as it is, anything else as JSON.
    static func text(_ value: JSONValue) throws -> String {
        if case .string(let string) = value { return string }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func json(_ api: API) -> [String: Any] {
        ["identifier": api.identifier, "name": api.name, "scopes": api.scopes.tokens, "scope_descriptions": api.scopeDescriptions]
    }

    static func json(_ grant: ClientGrant) -> [String: Any] {
        ["id": grant.id, "client_id": grant.clientID, "audience": grant.apiIdentifier, "scope": grant.scopes.tokens]
    }

    static func json(_ key: SigningKeyInfo) -> [String: Any] {
        ["kid": key.kid, "alg": key.algorithm, "state": key.state.rawValue, "created_at": key.createdAt,
         "activated_at": key.activatedAt ?? NSNull(), "retired_at": key.retiredAt ?? NSNull()]
    }
}
