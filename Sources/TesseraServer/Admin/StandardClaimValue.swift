import Foundation
public import TesseraCore

/// The rules for one standard claim's value as an administrator types it (OpenID Connect Core
/// §5.1), checked before anything is written: a bad value would reach every relying party.
public enum StandardClaimValue {
    /// The claims `--claim name=value` may set. `sub`, `email` and `updated_at` are Tessera's to
    /// keep (the login, the stable id, the change time); `address` is an object (`--address-json`).
    public static let settable: [String] = StandardClaims.all.filter { !["sub", "email", "updated_at", "address"].contains($0) }

    /// The value of `claim` parsed from `text`, or why it is not one.
    public static func parse(_ claim: String, _ text: String) throws(RegistrationError) -> JSONValue {
        guard settable.contains(claim) else {
            if claim == "address" { throw .invalid("set the address with --address-json '{\"locality\": …}'") }
            if StandardClaims.all.contains(claim) { throw .invalid("the claim '\(claim)' cannot be set with --claim") }
            throw .invalid("'\(claim)' is not an OpenID Connect standard claim (one of: \(settable.joined(separator: ", ")))")
        }
        if StandardClaims.booleans.contains(claim) {
            switch text {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: throw .invalid("the claim '\(claim)' must be true or false, not '\(text)'")
            }
        }
        let value = text.trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty else { throw .invalid("the claim '\(claim)' is empty (remove a claim with --unset-claim \(claim))") }
        guard value.count <= 2048, !ControlCharacters.occur(in: value) else {
            throw .invalid("the claim '\(claim)' must be one line of at most 2048 characters")
        }
        let valid: Bool = switch claim {
        case "profile", "picture", "website": isWebURL(value)
        case "birthdate": isBirthdate(value)
        case "zoneinfo": isZoneName(value)
        case "locale": isLanguageTag(value)
        case "phone_number": isPhoneNumber(value)
        default: true
        }
        guard valid else { throw .invalid("'\(value)' is not a valid \(claim) (\(format[claim] ?? "see OpenID Connect Core §5.1"))") }
        return .string(value)
    }

    /// The `address` claim (§5.1.1) from a JSON object of its string members.
    public static func address(json text: String) throws(RegistrationError) -> JSONValue {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)), let members = value.object else {
            throw .invalid("--address-json must be a JSON object such as {\"locality\": \"Paris\", \"country\": \"FR\"}")
        }
        guard !members.isEmpty else { throw .invalid("--address-json has no members (remove the address with --unset-claim address)") }
        for (name, member) in members.sorted(by: { $0.key < $1.key }) {
            guard StandardClaims.addressMembers.contains(name) else {
                throw .invalid("'\(name)' is not an address member (one of: \(StandardClaims.addressMembers.joined(separator: ", ")))")
            }
            guard let string = member.string, !string.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, string.count <= 2048 else {
                throw .invalid("the address member '\(name)' must be a non-empty string")
            }
            // Only the multi-line members may hold line breaks (§5.1.1); nothing may hold other controls.
            let multiline = ["formatted", "street_address"].contains(name)
            if ControlCharacters.occur(in: multiline ? string.replacingOccurrences(of: "\r\n", with: "").replacingOccurrences(of: "\n", with: "") : string) {
                throw .invalid("the address member '\(name)' contains control characters")
            }
        }
        return value
    }

    private static let format: [String: String] = [
        "profile": "an http or https URL", "picture": "an http or https URL", "website": "an http or https URL",
        "birthdate": "YYYY-MM-DD, 0000-MM-DD or YYYY", "zoneinfo": "a time zone name such as Europe/Paris",
        "locale": "a BCP 47 language tag such as en-US", "phone_number": "such as +1 (425) 555-1212;ext=5678",
    ]

    static func isWebURL(_ text: String) -> Bool {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), let host = url.host else { return false }
        return ["http", "https"].contains(scheme) && !host.isEmpty
    }

    /// `YYYY-MM-DD` (a real date), `0000-MM-DD` (year withheld) or `YYYY` (only the year).
    static func isBirthdate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else { return false }
        guard parts[0].count == 4, let year = Int(parts[0]) else { return false }
        if parts.count == 1 { return year > 0 }
        guard parts.count == 3, parts[1].count == 2, parts[2].count == 2, let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), day >= 1 else { return false }
        let leap = year == 0 || (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day <= days
    }

    /// An IANA time zone name: `UTC`, `Europe/Paris`, `America/Argentina/Buenos_Aires`, `Etc/GMT+5`.
    static func isZoneName(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard let first = parts.first, first.first?.isLetter == true else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_-+".contains($0)) }
        }
    }

    /// A BCP 47 tag, by shape: a 2–3 letter language, then hyphenated subtags of 1–8 letters or digits.
    static func isLanguageTag(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard let language = parts.first, (2...3).contains(language.count), language.allSatisfy({ $0.isASCII && $0.isLetter }) else { return false }
        return parts.dropFirst().allSatisfy { (1...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
    }

    /// E.164-ish: an optional `+`, digits with spaces, dots, hyphens or parentheses, and an
    /// optional RFC 3966 extension (`;ext=5678`).
    static func isPhoneNumber(_ text: String) -> Bool {
        let parts = text.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)
        var number = Substring(parts[0])
        if number.first == "+" { number = number.dropFirst() }
        let digits = number.filter(\.isNumber).count
        guard (3...15).contains(digits), number.first?.isNumber == true || number.first == "(",
              number.allSatisfy({ $0.isASCII && ($0.isNumber || " .-()".contains($0)) }) else { return false }
        guard parts.count == 2 else { return true }
        let ext = parts[1]
        return ext.hasPrefix("ext=") && ext.count > 4 && ext.dropFirst(4).allSatisfy { $0.isASCII && $0.isNumber }
    }
}
