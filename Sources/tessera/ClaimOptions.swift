import ArgumentParser
import TesseraServer

/// The standard-claim flags of `users add` and `users update` (OpenID Connect Core §5.1).
struct ClaimOptions: ParsableArguments {
    @Option(name: .customLong("claim"), help: ArgumentHelp(
        "A standard claim, such as given_name=Alice, locale=en-GB, birthdate=1990-04-01, phone_number_verified=true (repeatable).",
        valueName: "name=value"))
    var claims: [String] = []

    @Option(name: .customLong("address-json"), help: ArgumentHelp(
        #"The address claim, a JSON object of formatted, street_address, locality, region, postal_code, country."#,
        valueName: "json"))
    var addressJSON: String?

    /// The change these flags ask for, checked whole before anything is written.
    func change(name: String?, unset: [String] = []) throws -> ProfileChange {
        do {
            return try ProfileChange(name: name, claims: claims, addressJSON: addressJSON, unset: unset)
        } catch {
            throw ValidationError(error.description)
        }
    }
}
