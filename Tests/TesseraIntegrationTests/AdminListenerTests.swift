import Foundation
import Hummingbird
import Logging
import NIOHTTP1
import Testing
import TesseraServer

/// The admin listener (`serve --admin-port`): `/metrics` and the management routes move off the
/// public port; `/healthz` and `/readyz` answer on both.
@Suite("Admin listener")
struct AdminListenerTests {
    @Test("with an admin listener, /metrics is served there and 404 on the public port; health and readiness on both",
          arguments: TestEngine.all)
    func metricsMoveToTheAdminPort(engine: TestEngine) async throws {
        try await TestServer.with(engine, adminListener: true) { server in
            let admin = try #require(server.adminBaseURL)
            #expect(try await send(.GET, server.url("/.well-known/openid-configuration")).status == 200)
            let metrics = try await send(.GET, admin + "/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.body.contains(#"tessera_http_requests_total{endpoint="/.well-known/openid-configuration""#))
            #expect(try await send(.GET, server.url("/metrics")).status == 404)
            for base in [server.baseURL, admin] {
                #expect(try await send(.GET, base + "/healthz").body == "ok\n")
                #expect(try await send(.GET, base + "/readyz").body == "ready\n")
            }
            #expect(try await send(.GET, admin + "/authorize").status == 404, "the admin port serves no public endpoint")
        }
    }

    @Test("without an admin listener, /metrics stays on the public port")
    func metricsStayWithoutAnAdminPort() async throws {
        try await TestServer.with(.sqlite) { server in
            let metrics = try await send(.GET, server.url("/metrics"))
            #expect(server.adminBaseURL == nil)
            #expect(metrics.status == 200)
        }
    }

    @Test("management routes go on the admin listener when there is one, else on the public port")
    func managementRoutesFollowTheAdminListener() async throws {
        try await TestServer.with(.sqlite) { server in
            let routes: @Sendable (Router<ProviderRequestContext>) throws -> Void = { router in
                router.get("/api/v2/probe") { _, _ in "management\n" }
            }
            let (publicPort, adminPort) = (freeLoopbackPort(), freeLoopbackPort())
            let withAdmin = try await RunningApplication.start(logger: Logger(label: "tessera.test")) { onRunning in
                try server.provider.application(listen: .init(port: publicPort), admin: .init(port: adminPort), managementRoutes: routes,
                                                logger: Logger(label: "tessera.test")) { onRunning() }
            }
            let onAdmin = try await send(.GET, "http://127.0.0.1:\(adminPort)/api/v2/probe")
            let onPublic = try await send(.GET, "http://127.0.0.1:\(publicPort)/api/v2/probe")
            await withAdmin.stop()
            #expect(onAdmin.body == "management\n")
            #expect(onPublic.status == 404)

            let alonePort = freeLoopbackPort()
            let alone = try await RunningApplication.start(logger: Logger(label: "tessera.test")) { onRunning in
                try server.provider.application(listen: .init(port: alonePort), managementRoutes: routes,
                                                logger: Logger(label: "tessera.test")) { onRunning() }
            }
            let onlyPublic = try await send(.GET, "http://127.0.0.1:\(alonePort)/api/v2/probe")
            await alone.stop()
            #expect(onlyPublic.body == "management\n")
        }
    }

    @Test("tessera serve --admin-port: /metrics on the admin port, 404 on the public one; the serving line names both")
    func serveWithAdminPort() async throws {
        try await withTemporaryDirectory { directory in
            let adminPort = freeLoopbackPort()
            let server = try await ServeProcess(arguments: ["--database", "sqlite://\(directory.path)/tessera.sqlite",
                                                            "--admin-host", "127.0.0.1", "--admin-port", "\(adminPort)"])
            defer { server.kill() }
            let admin = "http://127.0.0.1:\(adminPort)"
            #expect(server.text.contains("tessera: serving \(server.baseURL) ("))
            #expect(server.text.contains("admin \(admin))"))
            #expect(try await send(.GET, server.baseURL + "/healthz").status == 200)
            #expect(try await send(.GET, admin + "/readyz").status == 200)
            #expect(try await send(.GET, admin + "/metrics").body.contains(#"tessera_http_requests_total{endpoint="/healthz""#))
            #expect(try await send(.GET, server.baseURL + "/metrics").status == 404)
            #expect(await server.terminate() == 0)
        }
    }

    @Test("tessera serve without --admin-port keeps /metrics on the public port")
    func serveWithoutAdminPort() async throws {
        try await withTemporaryDirectory { directory in
            let server = try await ServeProcess(arguments: ["--database", "sqlite://\(directory.path)/tessera.sqlite"])
            defer { server.kill() }
            #expect(!server.text.contains("admin "))
            #expect(try await send(.GET, server.baseURL + "/metrics").status == 200)
            #expect(await server.terminate() == 0)
        }
    }

    @Test("a bad admin listener flag: one line on stderr, a non-zero exit", arguments: [
        ["serve", "--admin-port", "0"],
        ["serve", "--admin-port", "70000"],
        ["serve", "--admin-port", "-1"],
        ["serve", "--port", "9000", "--admin-port", "9000"],
        ["serve", "--admin-port", "8080"],
        ["serve", "--admin-host", "127.0.0.1"],
        ["serve", "--admin-host", "", "--admin-port", "9091"],
        ["serve", "--admin-port", "nine"],
    ])
    func badAdminFlags(arguments: [String]) async throws {
        try await withTemporaryDirectory { directory in
            let output = try await TesseraBinary.run(arguments + ["--database", "sqlite://\(directory.path)/tessera.sqlite"])
            output.expectRefusal("\(arguments)")
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("tessera.sqlite").path), "refused before opening the database")
        }
    }
}
