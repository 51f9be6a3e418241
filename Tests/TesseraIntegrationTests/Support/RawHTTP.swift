import NIOCore
import NIOPosix

/// Raw bytes over a TCP connection, for requests no HTTP client would send: broken chunked
/// framing, lying Content-Length, bodies cut short.
enum RawHTTP {
    /// Writes `bytes` to `port` on 127.0.0.1 — then shuts its sending side when `halfClose` — and
    /// returns whatever the server sent back before it closed the connection or `timeout` passed.
    static func exchange(port: Int, bytes: [UInt8], halfClose: Bool = false, timeout: TimeAmount = .seconds(5)) async throws -> String {
        let collector = Collector()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .channelInitializer { channel in channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) } }
            .connect(host: "127.0.0.1", port: port).get()
        let deadline = channel.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
        try? await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
        if halfClose { try? await channel.close(mode: .output).get() }
        try? await channel.closeFuture.get()
        deadline.cancel()
        return try await channel.eventLoop.submit { collector.received }.get()
    }

    /// The status code of the first response in `text`, if it begins with one.
    static func status(of text: String) -> Int? {
        let parts = text.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1.") else { return nil }
        return Int(parts[1])
    }

    /// Gathers what arrives; closes once the server has closed its side.
    private final class Collector: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        var received = ""

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            received += String(buffer: unwrapInboundIn(data))
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if event is ChannelEvent, case .inputClosed = event as! ChannelEvent { context.close(promise: nil) }
        }
    }
}
