import TesseraCore
import TesseraServer

/// `/resource-servers`: the APIs tokens can name as their audience, addressed by identifier.
extension ManagementHandler {
    func getResourceServers(_ input: Operations.GetResourceServers.Input) async throws -> Operations.GetResourceServers.Output {
        await perform("read:resource_servers", refused: Operations.GetResourceServers.Output.default) { admin in
            let page = try await admin.apis(try pageRequest(page: input.query.page, perPage: input.query.perPage))
                .map(Components.Schemas.ResourceServer.init)
            guard input.query.includeTotals == true else { return .ok(.init(body: .json(.case1(page.items)))) }
            let totals = Pagination(page)
            return .ok(.init(body: .json(.ResourceServerPage(.init(start: totals.start, limit: totals.limit, length: totals.length,
                                                                    total: totals.total, resourceServers: page.items)))))
        }
    }

    func postResourceServers(_ input: Operations.PostResourceServers.Input) async throws -> Operations.PostResourceServers.Output {
        await perform("create:resource_servers", refused: Operations.PostResourceServers.Output.default) { admin in
            guard case .json(let body) = input.body else { throw RegistrationError.invalid("the body must be JSON") }
            let scopes = body.scopes ?? []
            let api = try await admin.addAPI(identifier: body.identifier, name: body.name, scopes: Scope(scopes: scopes),
                                             scopeDescriptions: Scope.descriptions(of: scopes))
            return .created(.init(body: .json(.init(api))))
        }
    }

    func getResourceServersById(_ input: Operations.GetResourceServersById.Input) async throws -> Operations.GetResourceServersById.Output {
        await perform("read:resource_servers", refused: Operations.GetResourceServersById.Output.default) { admin in
            .ok(.init(body: .json(.init(try await admin.api(identifier: input.path.id)))))
        }
    }

    func patchResourceServersById(_ input: Operations.PatchResourceServersById.Input) async throws -> Operations.PatchResourceServersById.Output {
        await perform("update:resource_servers", refused: Operations.PatchResourceServersById.Output.default) { admin in
            guard case .json(let body) = input.body else { throw RegistrationError.invalid("the body must be JSON") }
            let api = try await admin.updateAPI(identifier: input.path.id, name: body.name, scopes: body.scopes.map { Scope(scopes: $0) },
                                                scopeDescriptions: body.scopes.map(Scope.descriptions(of:)))
            return .ok(.init(body: .json(.init(api))))
        }
    }

    func deleteResourceServersById(_ input: Operations.DeleteResourceServersById.Input) async throws -> Operations.DeleteResourceServersById.Output {
        await perform("delete:resource_servers", refused: Operations.DeleteResourceServersById.Output.default) { admin in
            try await admin.removeAPI(identifier: input.path.id)
            return .noContent(.init())
        }
    }
}

extension Scope {
    /// The permissions of Auth0's `[{value, description}]`.
    init(scopes: [Components.Schemas.ResourceServerScope]) {
        self.init(scopes.map(\.value))
    }

    /// The descriptions of Auth0's `[{value, description}]`, by scope.
    static func descriptions(of scopes: [Components.Schemas.ResourceServerScope]) -> [String: String] {
        Dictionary(scopes.compactMap { scope in scope.description.map { (scope.value, $0) } }, uniquingKeysWith: { _, last in last })
    }
}

extension Components.Schemas.ResourceServer {
    init(_ api: API) {
        self.init(id: api.identifier, identifier: api.identifier, name: api.name,
                  scopes: api.scopes.tokens.map { .init(value: $0, description: api.scopeDescriptions[$0]) },
                  isSystem: Provider.isManagementAPI(api))
    }
}
