import TesseraCore
import TesseraServer

/// `/client-grants`: which client may get tokens for which API, with which scopes.
extension ManagementHandler {
    func getClientGrants(_ input: Operations.GetClientGrants.Input) async throws -> Operations.GetClientGrants.Output {
        await perform("read:client_grants", refused: Operations.GetClientGrants.Output.default) { admin in
            let request = try pageRequest(page: input.query.page, perPage: input.query.perPage)
            let page = try await admin.clientGrants(request, clientID: input.query.clientId, apiIdentifier: input.query.audience)
                .map(Components.Schemas.ClientGrant.init)
            guard input.query.includeTotals == true else { return .ok(.init(body: .json(.case1(page.items)))) }
            let totals = Pagination(page)
            return .ok(.init(body: .json(.ClientGrantPage(.init(start: totals.start, limit: totals.limit, length: totals.length,
                                                                 total: totals.total, clientGrants: page.items)))))
        }
    }

    func postClientGrants(_ input: Operations.PostClientGrants.Input) async throws -> Operations.PostClientGrants.Output {
        await perform("create:client_grants", refused: Operations.PostClientGrants.Output.default) { admin in
            guard case .json(let body) = input.body else { throw RegistrationError.invalid("the body must be JSON") }
            let grant = try await admin.addClientGrant(clientID: body.clientId, apiIdentifier: body.audience, scopes: Scope(body.scope))
            return .created(.init(body: .json(.init(grant))))
        }
    }

    func patchClientGrantsById(_ input: Operations.PatchClientGrantsById.Input) async throws -> Operations.PatchClientGrantsById.Output {
        await perform("update:client_grants", refused: Operations.PatchClientGrantsById.Output.default) { admin in
            guard case .json(let body) = input.body else { throw RegistrationError.invalid("the body must be JSON") }
            let grant = try await admin.updateClientGrant(id: input.path.id, scopes: Scope(body.scope))
            return .ok(.init(body: .json(.init(grant))))
        }
    }

    func deleteClientGrantsById(_ input: Operations.DeleteClientGrantsById.Input) async throws -> Operations.DeleteClientGrantsById.Output {
        await perform("delete:client_grants", refused: Operations.DeleteClientGrantsById.Output.default) { admin in
            try await admin.removeClientGrant(id: input.path.id)
            return .noContent(.init())
        }
    }
}

extension Components.Schemas.ClientGrant {
    init(_ grant: ClientGrant) {
        self.init(id: grant.id, clientId: grant.clientID, audience: grant.apiIdentifier, scope: grant.scopes.tokens)
    }
}
