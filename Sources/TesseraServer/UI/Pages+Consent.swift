import TesseraCore

extension Pages {
    /// What the consent page shows: the client by name, the scopes in words, the API asked for.
    /// (Stored flags, not computed ones: the template reads properties by reflection.)
    struct Consent {
        var title = "Allow access?"
        var clientName: String
        var identity: [IdentityScope]
        var hasIdentity: Bool
        var api: APIAccessRequest?
        var action = "/consent"
        var csrfToken: String
        var authorizationRequest: String

        init(clientName: String, identity: [IdentityScope], api: APIAccessRequest?, csrfToken: String, authorizationRequest: String) {
            self.clientName = clientName
            self.identity = identity
            self.hasIdentity = !identity.isEmpty
            self.api = api
            self.csrfToken = csrfToken
            self.authorizationRequest = authorizationRequest
        }

        /// An OpenID Connect scope and what it lets the client do, in words.
        struct IdentityScope {
            var scope: String
            var description: String
        }

        /// The API a token is asked for, and its permissions asked for, as the API names and
        /// describes them.
        struct APIAccessRequest {
            var name: String
            var identifier: String
            var permissions: [Permission]
            var hasPermissions: Bool

            init(name: String, identifier: String, permissions: [Permission]) {
                self.name = name
                self.identifier = identifier
                self.permissions = permissions
                self.hasPermissions = !permissions.isEmpty
            }
        }

        /// One permission: its scope, and what the API says it allows when it says so.
        struct Permission {
            var scope: String
            var description: String
            var hasDescription: Bool

            init(scope: String, description: String?) {
                self.scope = scope
                self.description = description ?? ""
                self.hasDescription = description != nil
            }
        }
    }
}
