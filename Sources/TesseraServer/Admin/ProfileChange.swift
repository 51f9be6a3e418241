public import TesseraCore

/// A change to a user's standard claims, as `tessera users add|update` take it: `--name`,
/// `--claim name=value` (repeatable), `--address-json '{…}'` and `--unset-claim name`.
///
/// Parsed whole before anything is written, so a bad flag changes nothing.
///
/// ```swift
/// let change = try ProfileChange(claims: ["given_name=Alice", "locale=en-GB"], addressJSON: nil, unset: ["nickname"])
/// change.apply(to: &user, at: now)
/// ```
public struct ProfileChange: Sendable, Equatable {
    /// Claims to set, by name (`name` and `email_verified` included).
    public private(set) var assigned: [String: JSONValue] = [:]
    /// Claims to remove.
    public private(set) var removed: Set<String> = []

    public init() {}

    /// - Parameters:
    ///   - name: `--name`, the same as `--claim name=…`.
    ///   - claims: `name=value` assignments, each claim at most once.
    ///   - addressJSON: the `address` claim's JSON object.
    ///   - unset: claims to remove; never one that is also set.
    /// - Throws: ``RegistrationError/invalid(_:)`` naming the first problem.
    public init(name: String? = nil, claims: [String] = [], addressJSON: String? = nil, unset: [String] = []) throws(RegistrationError) {
        var assignments = claims
        if let name { assignments.insert("name=\(name)", at: 0) }
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "=") else {
                throw .invalid("--claim '\(assignment)' must be name=value")
            }
            let claim = String(assignment[..<equals])
            guard assigned[claim] == nil else { throw .invalid("the claim '\(claim)' is given more than once") }
            assigned[claim] = try StandardClaimValue.parse(claim, String(assignment[assignment.index(after: equals)...]))
        }
        if let addressJSON {
            assigned["address"] = try StandardClaimValue.address(json: addressJSON)
        }
        for claim in unset {
            guard StandardClaimValue.settable.contains(claim) || claim == "address" else {
                throw .invalid("the claim '\(claim)' cannot be unset")
            }
            guard !StandardClaims.booleans.contains(claim) || claim == "phone_number_verified" else {
                throw .invalid("email_verified cannot be unset; set it to true or false")
            }
            guard assigned[claim] == nil else { throw .invalid("the claim '\(claim)' is both set and unset") }
            removed.insert(claim)
        }
    }

    /// Whether there is nothing to change.
    public var isEmpty: Bool { assigned.isEmpty && removed.isEmpty }

    /// Applies the change; `name` and `email_verified` live in columns of their own, the rest in
    /// ``User/claims``. An unset `name` is stored empty and released as absent.
    public func apply(to user: inout User) {
        for (claim, value) in assigned {
            switch (claim, value) {
            case ("name", .string(let name)): user.name = name
            case ("email_verified", .bool(let verified)): user.emailVerified = verified
            default: user.claims[claim] = value
            }
        }
        for claim in removed {
            if claim == "name" { user.name = "" } else { user.claims[claim] = nil }
        }
    }
}
