import TesseraCore
import TesseraServer

/// `/clients`: list, register (the secret in this answer only), read, change, remove, rotate the secret.
extension ManagementHandler {
    func getClients(_ input: Operations.GetClients.Input) async throws -> Operations.GetClients.Output {
        await perform("read:clients", refused: Operations.GetClients.Output.default) { admin in
            let request = try pageRequest(page: input.query.page, perPage: input.query.perPage)
            let page: ResultPage<Components.Schemas.Client> = try await admin.clients(request).map { Components.Schemas.Client($0) }
            guard input.query.includeTotals == true else { return .ok(.init(body: .json(.case1(page.items)))) }
            let totals = Pagination(page)
            let body = Components.Schemas.ClientPage(start: totals.start, limit: totals.limit, length: totals.length, total: totals.total, clients: page.items)
            return .ok(.init(body: .json(.ClientPage(body))))
        }
    }

    func postClients(_ input: Operations.PostClients.Input) async throws -> Operations.PostClients.Output {
        await perform("create:clients", refused: Operations.PostClients.Output.default) { admin in
            guard case .json(let body) = input.body else { throw RegistrationError.invalid("the body must be JSON") }
            let registered = try await admin.addClient(body.registration)
            return .created(.init(body: .json(.init(registered.client, secret: registered.secret))))
        }
    }

    func getClientsById(_ input: Operations.GetClientsById.Input) async throws -> Operations.GetClientsById.Output {
        await perform("read:clients", refused: Operations.GetClientsById.Output.default) { admin in
            .ok(.init(body: .json(.init(try await admin.client(id: input.path.id)))))
        }
    }

    func patchClientsById(_ input: Operations.PatchClientsById.Input) async throws -> Operations.PatchClientsById.Output {
        await perform("update:clients", refused: Operations.PatchClientsById.Output.default) { admin in
            guard case .json(let body) = input.body else { throw RegistrationError.invalid("the body must be JSON") }
            return .ok(.init(body: .json(.init(try await admin.updateClient(clientID: input.path.id, body.update)))))
        }
    }

    func deleteClientsById(_ input: Operations.DeleteClientsById.Input) async throws -> Operations.DeleteClientsById.Output {
        await perform("delete:clients", refused: Operations.DeleteClientsById.Output.default) { admin in
            try await admin.removeClient(id: input.path.id)
            return .noContent(.init())
        }
    }

    func postRotateSecret(_ input: Operations.PostRotateSecret.Input) async throws -> Operations.PostRotateSecret.Output {
        await perform("update:clients", refused: Operations.PostRotateSecret.Output.default) { admin in
            let secret = try await admin.rotateClientSecret(id: input.path.id)
            return .ok(.init(body: .json(.init(try await admin.client(id: input.path.id), secret: secret))))
        }
    }
}
