import NIOCore

/// Splits a byte stream into newline-terminated UTF-8 lines (the newline dropped). A line longer
/// than `maxLength` is an error: the connection is closed rather than buffered without bound.
struct LineFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = String

    let maxLength: Int

    init(maxLength: Int = 1 << 20) { self.maxLength = maxLength }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > maxLength { throw LineTooLong(limit: maxLength) }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex
        guard length <= maxLength else { throw LineTooLong(limit: maxLength) }
        var line = buffer.readString(length: length) ?? ""
        buffer.moveReaderIndex(forwardBy: 1)
        if line.hasSuffix("\r") { line.removeLast() }
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A last line without its newline is dropped: a client that wants a command heard ends it.
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

struct LineTooLong: Error, CustomStringConvertible {
    let limit: Int
    var description: String { "a line longer than \(limit) bytes" }
}
