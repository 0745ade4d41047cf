import NIOCore
import NIOHTTP1

/// Answers `GET /metrics` with what `render` returns; anything else is a 404 or 405, and a request whose
/// `Host` is not this machine (`HostCheck`) a 421. Request bodies
/// are ignored. The pipeline before it (NIOHTTP1's server pipeline) orders keep-alive requests, so
/// one answer is written before the next request is read.
final class MetricsHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let render: @Sendable () async -> [UInt8]
    private let contentType: String
    private let hosts: HostCheck
    private var head: HTTPRequestHead?

    init(contentType: String, hosts: HostCheck, render: @escaping @Sendable () async -> [UInt8]) {
        self.contentType = contentType
        self.hosts = hosts
        self.render = render
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            head = request
        case .body:
            break
        case .end:
            guard let request = head else { return }
            head = nil
            respond(to: request, context: context)
        }
    }

    private func respond(to request: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = request.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? request.uri
        let host = request.headers["Host"]
        guard host.count <= 1, hosts.allows(host.first) else {
            return Self.write(status: .misdirectedRequest, contentType: "text/plain; charset=utf-8",
                              body: Array("this endpoint answers requests to localhost, a loopback address or its listen address only\n".utf8),
                              keepAlive: false, context: context)
        }
        guard path == "/metrics" else {
            return Self.write(status: .notFound, contentType: "text/plain; charset=utf-8",
                              body: Array("not found: metrics are at /metrics\n".utf8), keepAlive: request.isKeepAlive, context: context)
        }
        guard request.method == .GET else {
            return Self.write(status: .methodNotAllowed, contentType: "text/plain; charset=utf-8", body: Array("GET only\n".utf8),
                              keepAlive: request.isKeepAlive, extra: [("Allow", "GET")], context: context)
        }
        let promise = context.eventLoop.makePromise(of: [UInt8].self)
        let render = self.render
        promise.completeWithTask { await render() }
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        let contentType = self.contentType
        let keepAlive = request.isKeepAlive
        promise.futureResult.whenSuccess { body in
            Self.write(status: .ok, contentType: contentType, body: body, keepAlive: keepAlive, context: bound.value)
        }
    }

    private static func write(status: HTTPResponseStatus, contentType: String, body: [UInt8], keepAlive: Bool,
                              extra: [(String, String)] = [], context: ChannelHandlerContext) {
        var headers = HTTPHeaders([("Content-Type", contentType), ("Content-Length", String(body.count))] + extra)
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(NIOAny(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))),
                      promise: nil)
        context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        let done = context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
