import Hummingbird

extension Provider {
    /// RFC 7591 / 7592 routes, only when ``RegistrationPolicy/mode`` is not `off`: a provider that
    /// takes no registrations has no registration endpoint at all (404), and discovery names none.
    func addRegistrationRoutes(to router: Router<ProviderRequestContext>) {
        let policy = configuration.registration
        guard policy.mode != .off else { return }
        let clientAddress = ClientAddressResolver(trustedProxies: configuration.trustedProxies)
        let endpoint = RegistrationEndpoint(
            mode: policy.mode, issuer: configuration.issuer,
            registration: DynamicRegistration(store: store, clock: clock),
            throttle: RegistrationThrottle(policy: policy),
            clientAddress: clientAddress,
            audit: EndpointAudit(log: audit, clientAddress: clientAddress),
            clock: clock, maxBodyBytes: configuration.maxBodyBytes)
        let management = RouterPath(RegistrationEndpoint.path + "/{\(RegistrationEndpoint.clientIDParameter)}")
        router.post(RouterPath(RegistrationEndpoint.path)) { await endpoint.register($0, context: $1) }
        router.get(management) { await endpoint.read($0, context: $1) }
        router.put(management) { await endpoint.update($0, context: $1) }
        router.delete(management) { await endpoint.delete($0, context: $1) }
    }
}
