import HTTPTypes
import Hummingbird
import Logging

/// `GET /healthz` (the process answers) and `GET /readyz` (and so does its database), for load
/// balancers and orchestrators.
struct HealthEndpoints: Sendable {
    let database: any StoreHealth

    func live(_ request: Request, context: some RequestContext) -> Response {
        .text("ok\n")
    }

    func ready(_ request: Request, context: some RequestContext) async -> Response {
        do {
            try await database.ping()
            return .text("ready\n")
        } catch {
            context.logger.warning("database not ready", metadata: ["error.type": .string(String(describing: type(of: error)))])
            return .text("database unavailable\n", status: .serviceUnavailable)
        }
    }
}
