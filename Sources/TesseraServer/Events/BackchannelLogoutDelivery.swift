import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import TesseraCore

/// Delivers the queued logout tokens (OpenID Connect Back-Channel Logout 1.0 §2.5): claims the
/// rows due, signs a logout token for each, and POSTs it form-encoded to the client's
/// `backchannel_logout_uri`.
///
/// Runs as a background service on every node (``Provider/services``); the database queue makes
/// it survive restarts and lets nodes share the work. Only a 2xx answer counts as delivered
/// (§2.8 says 200); redirects are not followed. A client whose endpoint keeps failing is given up
/// after ``BackchannelLogoutPolicy/maxAttempts`` with a `warning` — its failure is not the
/// provider's error — and the token never appears in a log.
struct BackchannelLogoutDelivery: Sendable {
    let store: any BackchannelLogoutStore
    let keyRing: KeyRing
    let issuer: String
    let policy: BackchannelLogoutPolicy
    let clock: WallClock

    /// One round: every row due now, sent concurrently.
    func deliverDue(logger: Logger) async throws {
        let now = clock.now()
        let due = try await store.claimBackchannelLogouts(at: now, leasedUntil: policy.leaseEnd(now: now), limit: policy.batchSize)
        await withTaskGroup(of: Void.self) { group in
            for pending in due {
                group.addTask { await deliver(pending, logger: logger) }
            }
        }
    }

    private func deliver(_ pending: PendingBackchannelLogout, logger: Logger) async {
        var metadata: Logger.Metadata = ["client_id": "\(pending.clientID)", "attempt": "\(pending.attempts)"]
        let failure: String
        do {
            let token = try keyRing.logoutToken(for: pending, issuer: issuer, now: clock.now())
            let status = try await post(token, to: pending.uri)
            if (200..<300).contains(status) {
                try await store.deleteBackchannelLogout(id: pending.id)
                logger.info("back-channel logout delivered", metadata: metadata)
                return
            }
            failure = "HTTP \(status)"
        } catch {
            failure = String(describing: type(of: error))
        }
        metadata["failure"] = "\(failure)"
        do {
            if pending.attempts >= policy.maxAttempts {
                try await store.deleteBackchannelLogout(id: pending.id)
                logger.warning("back-channel logout given up: the client's endpoint did not accept it", metadata: metadata)
            } else {
                try await store.retryBackchannelLogout(id: pending.id, at: policy.nextAttempt(after: pending.attempts, now: clock.now()))
                logger.info("back-channel logout failed; it will be retried", metadata: metadata)
            }
        } catch {
            // The lease runs out and the row is claimed again.
            logger.warning("back-channel logout could not be rescheduled", metadata: ["error.type": "\(type(of: error))"])
        }
    }

    /// POSTs `logout_token=…` and returns the status, never following a redirect.
    private func post(_ token: Secret, to uri: String) async throws -> Int {
        var request = HTTPClientRequest(url: uri)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: FormURLEncoding.encode([("logout_token", token.unredacted)])))
        let (seconds, attoseconds) = policy.timeout.components
        let deadline = NIODeadline.now() + .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        let response = try await backchannelHTTPClient.execute(request, deadline: deadline)
        // Read (a little of) the body so the connection can be reused.
        _ = try? await response.body.collect(upTo: 64 * 1024)
        return Int(response.status.code)
    }
}

/// The outbound client of logout delivery: process-lived (never shut down), never following a redirect.
private let backchannelHTTPClient: HTTPClient = {
    var configuration = HTTPClient.Configuration()
    configuration.redirectConfiguration = .disallow
    return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
}()
