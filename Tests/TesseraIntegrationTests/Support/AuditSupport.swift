import Foundation
import Testing
import TesseraCore
import TesseraServer

extension TestServer {
    /// The stored events of `types` (every type when none is given), newest first.
    func events(_ types: AuditEventType...) async throws -> [AuditEvent] {
        try await provider.store.auditEvents(matching: AuditEventQuery(types: types, perPage: 10_000))
    }

    /// The one stored event of `type`; fails the test when there is not exactly one.
    func event(_ type: AuditEventType, sourceLocation: SourceLocation = #_sourceLocation) async throws -> AuditEvent {
        let found = try await events(type)
        #expect(found.count == 1, "\(found.count) \(type.rawValue) events: \(found.map(\.jsonLine))", sourceLocation: sourceLocation)
        return try #require(found.first, sourceLocation: sourceLocation)
    }

    /// Fails the test for each secret of the ledger — or its SHA-256, as storage keeps it — found in
    /// any stored event or any line logged on `tessera.audit`; and for a stored event that was not
    /// also logged as its JSON line.
    func expectNoSecretInEvents(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let stored = try await events()
        let logged = LogCapture.linesLogged(on: "tessera.audit")
        #expect(!stored.isEmpty, "the test recorded no events to scan", sourceLocation: sourceLocation)
        for event in stored {
            #expect(logged.contains { $0.contains(event.jsonLine) }, "not logged: \(event.jsonLine)", sourceLocation: sourceLocation)
        }
        let text = stored.map(\.jsonLine).joined(separator: "\n") + "\n" + logged.joined(separator: "\n")
        let secrets = ledger.all
        #expect(!secrets.isEmpty, "the test recorded no secrets to look for", sourceLocation: sourceLocation)
        // A count, not the secrets: a failure must not print them either.
        let leaked = secrets.filter { text.contains($0) || text.contains(SecretHash(of: Secret($0)).hex) }.count
        #expect(leaked == 0, "\(leaked) of \(secrets.count) secrets in the audit trail", sourceLocation: sourceLocation)
    }
}

extension AuditEvent {
    /// A string detail, or nil.
    func detail(_ name: String) -> String? {
        if case .string(let value) = details[name] { return value }
        return nil
    }

    /// A boolean detail, or nil.
    func flag(_ name: String) -> Bool? {
        if case .bool(let value) = details[name] { return value }
        return nil
    }
}
