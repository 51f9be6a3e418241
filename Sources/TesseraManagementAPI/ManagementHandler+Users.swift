import Foundation
import TesseraCore
import TesseraServer

/// `/users`: list (optionally by email), create with a password, read, change, remove.
extension ManagementHandler {
    func getUsers(_ input: Operations.GetUsers.Input) async throws -> Operations.GetUsers.Output {
        await perform("read:users", refused: Operations.GetUsers.Output.default) { admin in
            let request = try pageRequest(page: input.query.page, perPage: input.query.perPage)
            let page = try await admin.users(request, email: input.query.email).map(Components.Schemas.User.init)
            guard input.query.includeTotals == true else { return .ok(.init(body: .json(.case1(page.items)))) }
            let totals = Pagination(page)
            return .ok(.init(body: .json(.UserPage(.init(start: totals.start, limit: totals.limit, length: totals.length,
                                                          total: totals.total, users: page.items)))))
        }
    }

    func postUsers(_ input: Operations.PostUsers.Input) async throws -> Operations.PostUsers.Output {
        await perform("create:users", refused: Operations.PostUsers.Output.default) { admin in
            guard case .json(let body) = input.body else { throw RegistrationError.invalid("the body must be JSON") }
            let user = try await admin.addUser(email: body.email, password: Secret(body.password), name: body.name,
                                               profile: try ProfileChange(emailVerified: body.emailVerified))
            return .created(.init(body: .json(.init(user))))
        }
    }

    func getUsersById(_ input: Operations.GetUsersById.Input) async throws -> Operations.GetUsersById.Output {
        await perform("read:users", refused: Operations.GetUsersById.Output.default) { admin in
            .ok(.init(body: .json(.init(try await admin.user(id: input.path.id)))))
        }
    }

    func patchUsersById(_ input: Operations.PatchUsersById.Input) async throws -> Operations.PatchUsersById.Output {
        await perform("update:users", refused: Operations.PatchUsersById.Output.default) { admin in
            guard case .json(let body) = input.body else { throw RegistrationError.invalid("the body must be JSON") }
            let user = try await admin.updateUser(id: input.path.id, profile: try ProfileChange(name: body.name, emailVerified: body.emailVerified),
                                                  password: body.password.map(Secret.init))
            return .ok(.init(body: .json(.init(user))))
        }
    }

    func deleteUsersById(_ input: Operations.DeleteUsersById.Input) async throws -> Operations.DeleteUsersById.Output {
        await perform("delete:users", refused: Operations.DeleteUsersById.Output.default) { admin in
            try await admin.removeUser(id: input.path.id)
            return .noContent(.init())
        }
    }
}

extension ProfileChange {
    /// A change of the two claims the management API's user bodies carry besides the password.
    init(name: String? = nil, emailVerified: Bool?) throws(RegistrationError) {
        try self.init(name: name, claims: emailVerified.map { ["email_verified=\($0)"] } ?? [])
    }
}

extension Components.Schemas.User {
    init(_ user: User) {
        self.init(userId: user.id, email: user.email, name: user.name, emailVerified: user.emailVerified,
                  createdAt: user.createdAt.map { Date(timeIntervalSince1970: TimeInterval($0)) },
                  updatedAt: user.updatedAt.map { Date(timeIntervalSince1970: TimeInterval($0)) })
    }
}
