/// Who did what an ``AuditEvent`` records: a person, an application, an administrator at the
/// command line or through the management API, or the server itself (scheduled work).
public struct AuditActor: Sendable, Equatable, Hashable, CustomStringConvertible {
    private enum Kind: Sendable, Hashable {
        case user(String), client(String), commandLine, managementAPI(String), system
    }

    private let kind: Kind

    /// A person, by their `sub`.
    public static func user(id: String) -> AuditActor { AuditActor(kind: .user(id)) }
    /// An application acting for itself (a token request, a revocation).
    public static func client(id: String) -> AuditActor { AuditActor(kind: .client(id)) }
    /// Whoever ran `tessera` on a machine with the database: the shell is the credential.
    public static let commandLine = AuditActor(kind: .commandLine)
    /// A machine client holding a management API token.
    public static func managementAPI(clientID: String) -> AuditActor { AuditActor(kind: .managementAPI(clientID)) }
    /// The server's own scheduled work (key rotation, collection).
    public static let system = AuditActor(kind: .system)

    /// As stored and printed: `user:ID`, `client:ID`, `cli`, `management-api:CLIENT_ID`, `system`.
    public var description: String {
        switch kind {
        case .user(let id): "user:\(id)"
        case .client(let id): "client:\(id)"
        case .commandLine: "cli"
        case .managementAPI(let id): "management-api:\(id)"
        case .system: "system"
        }
    }

    /// Reads a stored ``description`` back; nil for text no actor prints.
    public init?(_ text: String) {
        if text == "cli" {
            kind = .commandLine
        } else if text == "system" {
            kind = .system
        } else if let id = Self.suffix(of: text, after: "user:") {
            kind = .user(id)
        } else if let id = Self.suffix(of: text, after: "client:") {
            kind = .client(id)
        } else if let id = Self.suffix(of: text, after: "management-api:") {
            kind = .managementAPI(id)
        } else {
            return nil
        }
    }

    private init(kind: Kind) {
        self.kind = kind
    }

    private static func suffix(of text: String, after prefix: String) -> String? {
        guard text.hasPrefix(prefix), text.count > prefix.count else { return nil }
        return String(text.dropFirst(prefix.count))
    }
}
