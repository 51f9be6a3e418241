public import Hummingbird

extension Provider {
    /// The admin listener's routes: `/metrics`, `/healthz`, `/readyz`, and `extraRoutes` (the
    /// management API). Kept off the public port so an operator can bind it to loopback or a
    /// private network, where scrapers, probes and automation reach it and the internet does not.
    ///
    /// ```swift
    /// let admin = try provider.adminRouter { try ManagementAPI(provider: provider).register(on: $0) }
    /// ```
    public func adminRouter(
        adding extraRoutes: (Router<ProviderRequestContext>) throws -> Void = { _ in }
    ) rethrows -> Router<ProviderRequestContext> {
        let router = operationsRouter(servesMetrics: true)
        try extraRoutes(router)
        return router
    }

    /// A router with the middleware every listener shares (a trace span, a log line and request
    /// metrics per request) and the operations routes: `/healthz` (the process answers),
    /// `/readyz` (and so does its database) and, when `servesMetrics`, `/metrics`.
    func operationsRouter(servesMetrics: Bool) -> Router<ProviderRequestContext> {
        let router = Router(context: ProviderRequestContext.self)
        router.add(middleware: RequestTracingMiddleware())
        router.add(middleware: RequestLogMiddleware())
        router.add(middleware: RequestMetricsMiddleware())
        let health = HealthEndpoints(database: store)
        if servesMetrics {
            router.get("/metrics") { MetricsEndpoint().respond(to: $0, context: $1) }
        }
        router.get("/healthz") { health.live($0, context: $1) }
        router.get("/readyz") { await health.ready($0, context: $1) }
        return router
    }
}
