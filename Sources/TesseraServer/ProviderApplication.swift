import Foundation
public import Hummingbird
import HummingbirdCore
import HummingbirdTLS
public import Logging
import NIOSSL

/// Where a provider listens, and whether with TLS.
public struct ListenConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// PEM files of the certificate chain and private key: HTTPS only when given.
    public var tlsCertificatePath: String?
    public var tlsKeyPath: String?

    public init(host: String = "127.0.0.1", port: Int = 8080, tlsCertificatePath: String? = nil, tlsKeyPath: String? = nil) {
        self.host = host
        self.port = port
        self.tlsCertificatePath = tlsCertificatePath
        self.tlsKeyPath = tlsKeyPath
    }
}

extension Provider {
    /// The provider as a Hummingbird application on `listen` — and on `admin` when given — ready
    /// for `runService()` or a `ServiceGroup`; `onServerRunning` is called once every socket is bound.
    ///
    /// With an admin listener, `/metrics` and `managementRoutes` are served there and not on the
    /// public port; `/healthz` and `/readyz` are served on both (a load balancer probes the public
    /// port, an orchestrator may probe the admin one). Both listeners run in one service group:
    /// one graceful shutdown stops both, and either failing to bind stops the other.
    ///
    /// ```swift
    /// let app = try provider.application(listen: .init(port: 8080), admin: .init(port: 9090), logger: logger)
    /// try await app.runService()
    /// ```
    public func application(
        listen: ListenConfiguration,
        admin: ListenConfiguration? = nil,
        managementRoutes: @escaping @Sendable (Router<ProviderRequestContext>) throws -> Void = { _ in },
        logger: Logger,
        onServerRunning: @escaping @Sendable () async -> Void = {}
    ) throws -> some ApplicationProtocol {
        guard let admin else {
            return Application(
                router: try router(adding: managementRoutes),
                server: try serverBuilder(listen),
                configuration: .init(address: .hostname(listen.host, port: listen.port), serverName: "tessera"),
                services: services,
                onServerRunning: { _ in await onServerRunning() },
                logger: logger
            )
        }
        let bound = ListenersBound(count: 2, then: onServerRunning)
        let adminApplication = Application(
            router: try adminRouter(adding: managementRoutes),
            server: try serverBuilder(admin),
            configuration: .init(address: .hostname(admin.host, port: admin.port), serverName: "tessera"),
            onServerRunning: { _ in await bound.arrive() },
            logger: logger
        )
        return Application(
            router: try router(servesMetrics: false),
            server: try serverBuilder(listen),
            configuration: .init(address: .hostname(listen.host, port: listen.port), serverName: "tessera"),
            services: services + [adminApplication],
            onServerRunning: { _ in await bound.arrive() },
            logger: logger
        )
    }

    /// Plain HTTP/1.1, or HTTPS only when a certificate and key are given.
    private func serverBuilder(_ listen: ListenConfiguration) throws -> HTTPServerBuilder {
        guard let certificatePath = listen.tlsCertificatePath, let keyPath = listen.tlsKeyPath else {
            return .http1()
        }
        let chain = try NIOSSLCertificate.fromPEMFile(certificatePath).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        return try .tls(.http1(), tlsConfiguration: .makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key)))
    }
}
