import ArgumentParser
import TesseraServer

extension ClientsCommand {
    /// `tessera clients update CLIENT_ID`: changes what a registered client receives — its
    /// back-channel logout URI (OpenID Connect Back-Channel Logout 1.0), whether it must push its
    /// authorization requests (RFC 9126 §5) and whether its token requests must carry a DPoP proof
    /// (RFC 9449 §5.2). Settings not named are left as they are; the ones named are written together.
    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a registered application.",
            discussion: "Any of: --backchannel-logout-uri URI or --no-backchannel-logout; --require-par or --no-require-par; --require-dpop or --no-require-dpop.")

        @Argument(help: "The client_id of the application.")
        var clientID: String

        @OptionGroup var backchannelLogout: BackchannelLogoutOptions

        @Flag(name: .customLong("no-backchannel-logout"), help: "Stop sending logout tokens to this application.")
        var noBackchannelLogout = false

        @Flag(name: .customLong("require-par"), help: "Accept only pushed authorization requests (RFC 9126) at /authorize.")
        var requirePAR = false

        @Flag(name: .customLong("no-require-par"), help: "Accept plain authorization requests again.")
        var noRequirePAR = false

        @Flag(name: .customLong("require-dpop"), help: "Every token request must carry a DPoP proof (RFC 9449 §5.2).")
        var requireDPoP = false

        @Flag(name: .customLong("no-require-dpop"), help: "Accept token requests without a DPoP proof again.")
        var noRequireDPoP = false

        @OptionGroup var options: ProviderOptions

        mutating func validate() throws {
            if backchannelLogout.uri != nil && noBackchannelLogout {
                throw ValidationError("--backchannel-logout-uri and --no-backchannel-logout contradict each other")
            }
            if requirePAR && noRequirePAR {
                throw ValidationError("--require-par and --no-require-par contradict each other")
            }
            if requireDPoP && noRequireDPoP {
                throw ValidationError("--require-dpop and --no-require-dpop contradict each other")
            }
            if let uri = backchannelLogout.uri {
                do {
                    try BackchannelLogoutURI.validate(uri)
                } catch {
                    throw ValidationError(error.description)
                }
            }
            if update == ClientUpdate() {
                throw ValidationError("nothing to change: give --backchannel-logout-uri URI, --no-backchannel-logout, --require-par, --no-require-par, --require-dpop or --no-require-dpop")
            }
        }

        /// The settings the flags name.
        var update: ClientUpdate {
            ClientUpdate(
                backchannelLogout: backchannelLogout.uri.map { .on(uri: $0, sessionRequired: backchannelLogout.sessionRequired) }
                    ?? (noBackchannelLogout ? .off : nil),
                requiresPushedAuthorization: requirePAR ? true : noRequirePAR ? false : nil,
                requiresDPoP: requireDPoP ? true : noRequireDPoP ? false : nil)
        }

        func run() async throws {
            let update = update
            _ = try await options.withProvider { try await $0.administration.updateClient(clientID: clientID, update) }
            switch update.backchannelLogout {
            case .on(let uri, _)?: print("back-channel logout URI of \(clientID): \(uri)")
            case .off?: print("back-channel logout off for \(clientID)")
            case nil: break
            }
            if let required = update.requiresPushedAuthorization {
                print(required ? "\(clientID) must push its authorization requests (PAR)" : "\(clientID) may send plain authorization requests")
            }
            if let required = update.requiresDPoP {
                print(required ? "\(clientID) must send a DPoP proof with every token request" : "\(clientID) may get bearer tokens without DPoP")
            }
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
