import ArgumentParser

/// `tessera`: the provider, its administration, and the demo.
struct TesseraCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tessera",
        abstract: "An OAuth 2.0 / OpenID Connect provider and relying-party library.",
        subcommands: [ServeCommand.self, ClientsCommand.self, APIsCommand.self, GrantsCommand.self, UsersCommand.self, RegistrationCommand.self, KeysCommand.self,
                      EventsCommand.self, MigrateCommand.self, GCCommand.self, DemoCommand.self]
    )
}
