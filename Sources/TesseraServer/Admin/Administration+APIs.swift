public import TesseraCore

/// The API operations behind `tessera apis list|update|remove` and the management API's
/// `/api/v2/resource-servers`. Every check runs before anything is written.
extension Administration {
    /// Registered APIs oldest first, a page at a time.
    public func apis(_ request: PageRequest) async throws -> ResultPage<API> {
        try await store.apis(request)
    }

    /// - Throws: ``RegistrationError/notFound(_:)`` when there is no such API.
    public func api(identifier: String) async throws -> API {
        guard let api = try await store.api(identifier: identifier) else { throw Self.noAPI(identifier) }
        return api
    }

    /// Renames an API, replaces its permissions or their descriptions (nil: unchanged), in one
    /// transaction. A dropped permission takes its description with it. A permission a client
    /// grant still holds cannot be dropped: change or remove that grant first, so no grant is
    /// changed behind the administrator's back.
    /// - Throws: ``RegistrationError`` for an empty name, a malformed or reserved scope, a dropped
    ///   permission a grant holds, the management API itself (nothing is written then), or
    ///   ``RegistrationError/notFound(_:)``.
    public func updateAPI(identifier: String, name: String? = nil, scopes: Scope? = nil,
                          scopeDescriptions: [String: String]? = nil) async throws -> API {
        guard name != nil || scopes != nil || scopeDescriptions != nil else {
            throw RegistrationError.invalid("nothing to change: give a name, scopes or scope descriptions")
        }
        let outcome = try await store.updateAPI(identifier: identifier) { api, grants in
            try Provider.refuseChangingManagementAPI(api)
            var api = api
            if let name { api.name = name }
            if let scopes {
                api.scopes = scopes
                api.scopeDescriptions = api.scopeDescriptions.filter { scopes.contains($0.key) }
            }
            if let scopeDescriptions { api.scopeDescriptions = scopeDescriptions.filter { !$0.value.isEmpty } }
            try APIRegistration.validate(identifier: api.identifier, name: api.name, scopes: api.scopes, descriptions: api.scopeDescriptions)
            for grant in grants {
                if let dropped = grant.scopes.tokens.first(where: { !api.scopes.contains($0) }) {
                    throw RegistrationError.invalid(
                        "client grant \(grant.id) (client \(grant.clientID)) still holds '\(dropped)': change or remove it first")
                }
            }
            return api
        }
        guard let (_, after) = outcome else { throw Self.noAPI(identifier) }
        var fields: [String] = []
        if name != nil { fields.append("name") }
        if scopes != nil { fields.append("scopes") }
        if scopeDescriptions != nil { fields.append("scope_descriptions") }
        await record(.apiUpdated, details: ["identifier": .string(identifier), "fields": Self.strings(fields),
                                            "scopes": Self.strings(after.scopes.tokens)])
        return after
    }

    /// Removes an API with its client grants and the consents users gave for it, in one
    /// transaction; access tokens already issued for it live out their lifetime, and no new one is
    /// issued. Returns the client grants that were removed.
    /// - Throws: ``RegistrationError/notFound(_:)`` when there is no such API, and
    ///   ``RegistrationError/invalid(_:)`` for the management API, whose removal would lock its
    ///   administrators out.
    @discardableResult
    public func removeAPI(identifier: String) async throws -> [ClientGrant] {
        if let api = try await store.api(identifier: identifier) {
            try Provider.refuseChangingManagementAPI(api)
        }
        guard let grants = try await store.deleteAPI(identifier: identifier) else { throw Self.noAPI(identifier) }
        await record(.apiDeleted, details: ["identifier": .string(identifier), "client_grants": Self.strings(grants.map(\.id))])
        return grants
    }

    static func apiExists(_ identifier: String) -> RegistrationError {
        .duplicate("an API with the identifier \(identifier) already exists")
    }

    static func noAPI(_ identifier: String) -> RegistrationError {
        .notFound("there is no API with the identifier \(identifier)")
    }
}
