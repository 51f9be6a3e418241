/// A `scope`: space-delimited, case-sensitive tokens (RFC 6749 §3.3), kept in the order given
/// with duplicates dropped.
///
/// ```swift
/// let scope = Scope("openid profile email")
/// scope.contains("openid")   // true
/// scope.description          // "openid profile email"
/// ```
public struct Scope: Sendable, Hashable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public private(set) var tokens: [String]

    public init(_ tokens: some Sequence<String>) {
        var seen = Set<String>()
        self.tokens = tokens.filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    /// Parses the wire form: tokens separated by spaces.
    public init(_ string: String) {
        self.init(string.split(separator: " ", omittingEmptySubsequences: true).map(String.init))
    }

    public init(stringLiteral value: String) {
        self.init(value)
    }

    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public var description: String { tokens.joined(separator: " ") }
    public var isEmpty: Bool { tokens.isEmpty }

    public func contains(_ token: String) -> Bool { tokens.contains(token) }

    /// Whether every token of `self` is in `other`: a refresh may narrow a grant, never widen it.
    public func isSubset(of other: Scope) -> Bool { tokens.allSatisfy(other.contains) }

    /// The tokens of `self` that `allowed` also has, in `self`'s order.
    public func intersection(_ allowed: Scope) -> Scope { Scope(tokens.filter(allowed.contains)) }

    /// Whether every token uses only the characters RFC 6749 §3.3 allows
    /// (%x21 / %x23-5B / %x5D-7E: printable ASCII but space, `"` and `\`).
    public var isWellFormed: Bool {
        tokens.allSatisfy { token in
            token.utf8.allSatisfy { byte in
                byte == 0x21 || (0x23...0x5B).contains(byte) || (0x5D...0x7E).contains(byte)
            }
        }
    }
}
