import Foundation
import InMemoryTracing
import Synchronization
import Tracing

/// The tracer of the test process: in-memory spans, W3C `traceparent` in and out (as swift-otel's
/// propagator does in `tessera serve`), and only the traces a test asked for are kept.
///
/// `InstrumentationSystem.bootstrap` may run once per process and the suites share one, so it is
/// bootstrapped here once, on first use; each test starts its own root span (``startTrace(_:)``)
/// and reads back the spans of that trace alone. Spans of every other trace — other tests'
/// requests, now traced too — are dropped when they end, so memory does not grow with the suite.
final class TraceCapture: Tracer, Sendable {
    typealias Span = InMemorySpan

    static let shared: TraceCapture = {
        let capture = TraceCapture()
        InstrumentationSystem.bootstrap(capture)
        return capture
    }()

    private struct State {
        var watched: Set<String> = []
        var finished: [FinishedInMemorySpan] = []
    }
    private let state = Mutex(State())

    /// A root span whose trace is kept; end it when the test's work is done.
    func startTrace(_ name: String) -> InMemorySpan {
        let traceID = Self.randomHex(bytes: 16)
        state.withLock { _ = $0.watched.insert(traceID) }
        return span(name, context: .topLevel, spanContext: InMemorySpanContext(traceID: traceID, spanID: Self.randomHex(bytes: 8), parentSpanID: nil),
                    kind: .client)
    }

    /// The finished spans of `traceID`, once `isComplete` holds for them: a request's span ends
    /// when its response has been written, which can be just after the client has read it.
    /// Gives up (returning what there is, for the test's expectations to report) after 30 seconds.
    func spans(ofTrace traceID: String, until isComplete: ([FinishedInMemorySpan]) -> Bool) async -> [FinishedInMemorySpan] {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            let spans = state.withLock { $0.finished.filter { $0.traceID == traceID } }
            if isComplete(spans) || ContinuousClock.now > deadline { return spans }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    // MARK: Tracer

    func startSpan<Instant: TracerInstant>(
        _ operationName: String, context: @autoclosure () -> InstrumentationContext, ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant, function: String, file fileID: String, line: UInt
    ) -> InMemorySpan {
        let parent = context()
        let spanContext = parent.inMemorySpanContext.map {
            InMemorySpanContext(traceID: $0.traceID, spanID: Self.randomHex(bytes: 8), parentSpanID: $0.spanID)
        } ?? InMemorySpanContext(traceID: Self.randomHex(bytes: 16), spanID: Self.randomHex(bytes: 8), parentSpanID: nil)
        return span(operationName, context: parent, spanContext: spanContext, kind: kind)
    }

    func forceFlush() {}

    func inject<Carrier, Inject: Injector>(_ context: InstrumentationContext, into carrier: inout Carrier, using injector: Inject)
    where Inject.Carrier == Carrier {
        guard let span = context.inMemorySpanContext else { return }
        injector.inject(Self.traceparent(span), forKey: "traceparent", into: &carrier)
    }

    func extract<Carrier, Extract: Extractor>(_ carrier: Carrier, into context: inout InstrumentationContext, using extractor: Extract)
    where Extract.Carrier == Carrier {
        guard let value = extractor.extract(key: "traceparent", from: carrier) else { return }
        let fields = value.split(separator: "-")
        guard fields.count == 4, fields[0] == "00", fields[1].count == 32, fields[2].count == 16 else { return }
        context.inMemorySpanContext = InMemorySpanContext(traceID: String(fields[1]), spanID: String(fields[2]), parentSpanID: nil)
    }

    /// The W3C `traceparent` naming `span` as the parent (sampled).
    static func traceparent(_ span: InMemorySpanContext) -> String {
        "00-\(span.traceID)-\(span.spanID)-01"
    }

    private func span(_ name: String, context: InstrumentationContext, spanContext: InMemorySpanContext, kind: SpanKind) -> InMemorySpan {
        InMemorySpan(operationName: name, context: context, spanContext: spanContext, kind: kind,
                     startInstant: DefaultTracerClock.now) { finished in
            self.state.withLock { state in
                if state.watched.contains(finished.traceID) { state.finished.append(finished) }
            }
        }
    }

    private static func randomHex(bytes: Int) -> String {
        (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }
}

extension FinishedInMemorySpan {
    /// Every attribute value as text, for the secret scan.
    var attributeTexts: [String] {
        var texts: [String] = []
        attributes.forEach { key, attribute in texts.append("\(key)=\(attribute)") }
        return texts + errors.map { "\($0.error)" } + events.map { "\($0.name) \($0.attributes)" }
    }

    func string(_ key: String) -> String? {
        if case .string(let value)? = attributes.get(key) { return value }
        return nil
    }

    func int(_ key: String) -> Int? {
        switch attributes.get(key) {
        case .int64(let value)?: Int(value)
        case .int32(let value)?: Int(value)
        default: nil
        }
    }
}
