import ArgumentParser
import TesseraServer

extension ClientsCommand {
    /// `tessera clients update CLIENT_ID`: changes what a registered client receives; today its
    /// back-channel logout URI (OpenID Connect Back-Channel Logout 1.0).
    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a registered application.",
            discussion: "Either --backchannel-logout-uri URI or --no-backchannel-logout.")

        @Argument(help: "The client_id of the application.")
        var clientID: String

        @OptionGroup var backchannelLogout: BackchannelLogoutOptions

        @Flag(name: .customLong("no-backchannel-logout"), help: "Stop sending logout tokens to this application.")
        var noBackchannelLogout = false

        @OptionGroup var options: ProviderOptions

        mutating func validate() throws {
            switch (backchannelLogout.uri, noBackchannelLogout) {
            case (nil, false): throw ValidationError("nothing to change: give --backchannel-logout-uri URI or --no-backchannel-logout")
            case (.some, true): throw ValidationError("--backchannel-logout-uri and --no-backchannel-logout contradict each other")
            case (let uri?, false):
                do {
                    try BackchannelLogoutURI.validate(uri)
                } catch {
                    throw ValidationError(error.description)
                }
            default: break
            }
        }

        func run() async throws {
            try await options.withProvider {
                try await $0.administration.setBackchannelLogout(clientID: clientID, uri: backchannelLogout.uri,
                                                                 sessionRequired: backchannelLogout.sessionRequired)
            }
            print(backchannelLogout.uri.map { "back-channel logout URI of \(clientID): \($0)" } ?? "back-channel logout off for \(clientID)")
        }
    }
}

/// The back-channel logout flags `clients add` and `clients update` share.
struct BackchannelLogoutOptions: ParsableArguments {
    @Option(name: .customLong("backchannel-logout-uri"),
            help: "Where logout tokens are POSTed when the user's session ends (https, or http on loopback).")
    var uri: String?

    @Option(name: .customLong("backchannel-logout-session-required"),
            help: "The client's backchannel_logout_session_required (true or false); sid is always sent.")
    var sessionRequired = true
}
