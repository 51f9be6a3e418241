import Tracing
import NIOHTTP1

/// Writes the caller's trace context (W3C `traceparent`, and whatever else the bootstrapped
/// instrument propagates) into an outgoing request's headers, so a call to the provider continues
/// the relying party's trace. Without a bootstrapped instrument, or outside any traced work,
/// nothing is written.
enum TraceContextHeaders {
    static func inject(into headers: inout HTTPHeaders) {
        guard let context = InstrumentationContext.current else { return }
        InstrumentationSystem.instrument.inject(context, into: &headers, using: HeaderInjector())
    }

    /// Replaces rather than adds: a request carries one `traceparent`.
    private struct HeaderInjector: Injector {
        func inject(_ value: String, forKey name: String, into headers: inout HTTPHeaders) {
            headers.replaceOrAdd(name: name, value: value)
        }
    }
}
