import Foundation
import NIOHTTP1
import InMemoryTracing
import Testing
import TesseraClient
import TesseraCore
import TesseraServer
import Tracing

/// OpenTelemetry through swift-distributed-tracing: the spans of one authorization-code exchange,
/// captured in memory (``TraceCapture``), and the trace context carried in and out.
@Suite("Tracing (OpenTelemetry)")
struct TracingTests {
    @Test("the span tree of one code exchange: a span per request named by its route, with database, password and signing children; traceparent continued in and sent out; no secret in any attribute",
          arguments: TestEngine.all)
    func codeExchangeSpanTree(engine: TestEngine) async throws {
        let tracer = TraceCapture.shared
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let alice = try await server.addUser()
            let oidc = try await server.oidcClient(for: client)

            // The relying party's own span: the browser legs carry it as `traceparent` (as a
            // browser's front end would), the code exchange through TesseraClient's transport.
            let root = tracer.startTrace("relying party signs Alice in")
            let request = try await oidc.authorizationRequest(scope: "openid profile email offline_access")
            server.ledger.record(request.pending.codeVerifier)
            server.ledger.record(request.pending.state)
            server.ledger.record(request.pending.nonce)
            let browser = Browser(headers: [("traceparent", TraceCapture.traceparent(root.spanContext))])
            let callback = try await server.authorize(browser, authorizeURL: request.url.absoluteString)
            server.ledger.record(browser.cookie("tessera_session").map { Secret($0) })
            server.ledger.record(browser.cookie("tessera_csrf").map { Secret($0) })
            let query = FormURLEncoding.encode(callback.map { (name: $0.key, value: $0.value) })
            let tokens = try await InstrumentationContext.$current.withValue(root.context) {
                try await oidc.handleCallback(query: query, pending: request.pending)
            }
            server.ledger.record(tokens.response)
            root.end()

            let spans = await tracer.spans(ofTrace: root.traceID) { spans in
                ["/authorize", "/login", "/oauth/token"].allSatisfy { name in spans.contains { $0.operationName == name } }
            }
            let authorize = try #require(spans.first { $0.operationName == "/authorize" }, "\(spans.map(\.operationName))")
            let login = try #require(spans.first { $0.operationName == "/login" })
            let token = try #require(spans.first { $0.operationName == "/oauth/token" })
            func children(of span: FinishedInMemorySpan) -> [FinishedInMemorySpan] { spans.filter { $0.parentSpanID == span.spanID } }

            // Propagation in: every request continues the relying party's trace, under its span.
            // Propagation out: the token request's traceparent came from TesseraClient's transport.
            for (span, method, status) in [(authorize, "GET", 200), (login, "POST", 302), (token, "POST", 200)] {
                #expect(span.kind == .server)
                #expect(span.parentSpanID == root.spanID, "\(span.operationName) is not a child of the caller's span")
                #expect(span.string("http.request.method") == method)
                #expect(span.int("http.response.status_code") == status, "\(span.operationName)")
                #expect(span.string("http.route") == span.operationName)
                #expect(span.attributes.get("url.query") == nil, "a query can hold a code")
                #expect(!children(of: span).filter { $0.string("db.system.name") != nil }.isEmpty, "\(span.operationName) has no database span")
            }

            let system = engine == .sqlite ? "sqlite" : "postgresql"
            let databaseSpans = spans.filter { $0.string("db.system.name") != nil }
            for span in databaseSpans {
                #expect(span.string("db.system.name") == system)
                #expect(span.string("db.operation.name") != nil)
                var keys: Set<String> = []
                span.attributes.forEach { key, _ in keys.insert(key) }
                #expect(keys.isSubset(of: ["db.system.name", "db.operation.name", "db.collection.name", "error.type"]), "\(keys)")
                #expect(span.operationName == [span.string("db.operation.name"), span.string("db.collection.name")].compactMap { $0 }.joined(separator: " "))
            }
            #expect(children(of: token).contains { $0.string("db.collection.name") == "grants" }, "the code's consumption")

            let passwordCheck = try #require(children(of: login).first { $0.operationName == "password.verify" })
            #expect(passwordCheck.string("tessera.password.scheme") == "bcrypt")
            #expect(passwordCheck.int("tessera.password.cost") == 4)

            let signatures = children(of: token).filter { $0.operationName == "jws.sign" }
            #expect(!signatures.isEmpty)
            let kid = try #require(server.provider.keyRing.signingKid(for: .rs256))
            #expect(signatures.contains { $0.string("tessera.jws.alg") == "RS256" && $0.string("tessera.jws.kid") == kid })

            // No secret, email or password anywhere in the trace.
            let forbidden = server.ledger.all + [TestServer.password, alice.email, "Basic ", "Bearer "]
            #expect(server.ledger.all.count >= 8)
            for span in spans {
                for text in span.attributeTexts + [span.operationName] {
                    #expect(!forbidden.contains { text.contains($0) }, "\(span.operationName): \(text)")
                }
            }
        }
    }

    @Test("attack: a traceparent naming another trace only parents the request span; a request without one starts its own trace")
    func untrustedTraceparentOnlyParents() async throws {
        let tracer = TraceCapture.shared
        try await TestServer.with(.sqlite) { server in
            let root = tracer.startTrace("caller")
            let traceparent = TraceCapture.traceparent(root.spanContext)
            #expect(try await send(.GET, server.url("/.well-known/openid-configuration?code=not-for-traces"),
                                   headers: [("traceparent", traceparent)]).status == 200)
            #expect(try await send(.GET, server.url("/healthz"), headers: [("traceparent", "00-zz-not-a-trace-01")]).status == 200)
            root.end()
            let spans = await tracer.spans(ofTrace: root.traceID) { $0.contains { $0.operationName == "/.well-known/openid-configuration" } }
            let discovery = try #require(spans.first { $0.operationName == "/.well-known/openid-configuration" })
            #expect(discovery.parentSpanID == root.spanID)
            #expect(discovery.string("url.path") == "/.well-known/openid-configuration")
            #expect(!discovery.attributeTexts.contains { $0.contains("not-for-traces") })
            #expect(!spans.contains { $0.operationName == "/healthz" }, "a malformed traceparent joins no trace")
        }
    }
}
