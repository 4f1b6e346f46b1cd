package dev.discordbridge.edge;

import dev.discordbridge.contract.Ids;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import io.vertx.core.net.HostAndPort;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The public port's HTTP/1.1 request decoder: Vert.x's own, plus edge rules Vert.x does not
 * have. (1) Request-head timeout: a connection must deliver a complete head within the bound,
 * counted from when it opens and, between keep-alive requests, from the first byte of the next
 * head; otherwise it is closed (with 408 when part of a head came). (2) Unambiguous framing
 * (RFC 9112 section 6.1): Content-Length together with Transfer-Encoding, or any
 * Transfer-Encoding other than exactly {@code chunked}, marks the request invalid (the server's
 * invalid-request handler answers 400 and closes) and nothing after it on the connection is
 * decoded, so a request hidden behind the body is never answered. The same for a request without
 * exactly one Host header (RFC 9112 section 3.2; HTTP/1.0 may omit it). (3) Chunk sizes: a size
 * line of more than 8 significant hex digits, which Netty would wrap to 32 bits, is refused (400
 * and close) before Netty reads it ({@link ChunkSizeGuard}).
 *
 * <p>It extends Vert.x's decoder (an internal class) so that everything else about decoding stays
 * exactly as Vert.x does it; Netty documents {@link #handleTransferEncodingChunkedWithContentLength}
 * as the place to refuse CL+TE instead of dropping Content-Length.
 */
public final class EdgeDecoder extends VertxHttpRequestDecoder {

  /** Why a request was refused; the invalid-request handler recognises it. */
  static final class FramingRefused extends IllegalArgumentException {
    /** The refusal's kind in metrics and the summary log: bad_framing, bad_host or bad_target. */
    final String kind;

    FramingRefused(String kind, String message) {
      super(message, null);
      this.kind = kind;
    }
  }

  private final ConnectionGuard guard;
  private final long headerTimeoutMs;
  private volatile ChannelHandlerContext ctx;
  private ScheduledFuture<?> headerTimer;
  private boolean awaitingHead = true;
  private boolean partialHead;
  private boolean contentLengthWithChunked;
  private boolean refused;
  /** The current request's body is chunked and not over: its bytes are checked ahead of Netty. */
  private boolean chunkedBody;
  private final ChunkSizeGuard chunks = new ChunkSizeGuard();
  /** Bytes at the front of the cumulation that {@link #chunks} has seen already (Netty left them unread). */
  private int scannedAhead;
  /** The current request's response head is written: a refusal then only closes. */
  private boolean answering;

  EdgeDecoder(HttpServerOptions options, ConnectionGuard guard, long headerTimeoutMs) {
    super(options);
    this.guard = guard;
    this.headerTimeoutMs = headerTimeoutMs;
  }

  ConnectionGuard guard() {
    return guard;
  }

  /** Called once the decoder sits in the pipeline: the first head is due from now. */
  void start(ChannelHandlerContext context) {
    this.ctx = context;
    armHeaderTimer();
  }

  @Override
  protected void decode(ChannelHandlerContext c, ByteBuf in, List<Object> out) throws Exception {
    if (refused) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (awaitingHead && in.isReadable()) {
      partialHead = true;
      if (headerTimer == null) {
        armHeaderTimer();
      }
    }
    if (chunkedBody && in.readableBytes() > scannedAhead) {
      String problem = chunks.scan(in, in.readerIndex() + scannedAhead, in.readableBytes() - scannedAhead);
      if (problem != null) {
        refuseBody(c, problem);
        in.skipBytes(in.readableBytes());
        return;
      }
    }
    int before = out.size();
    super.decode(c, in, out);
    boolean head = false;
    for (int i = before; i < out.size(); i++) {
      Object o = out.get(i);
      if (o instanceof HttpRequest request) {
        onHead(request);
        head = true;
      }
      if (o instanceof LastHttpContent && !refused) {
        awaitingHead = true;
        partialHead = false;
        chunkedBody = false;
      }
    }
    // Netty returns after a head: what follows it is scanned in the next call.
    scannedAhead = chunkedBody && !head ? in.readableBytes() : 0;
    if (refused) {
      in.skipBytes(in.readableBytes());
    }
  }

  /** The response head of the current request is being written (the router's headers-end hook). */
  void answering() {
    answering = true;
  }

  /**
   * A body the edge refuses while reading it: 400 with Connection: close when no answer was started
   * (written from here it skips the HTTP encoder: the bytes go out as they are), then close.
   */
  private void refuseBody(ChannelHandlerContext c, String problem) {
    refused = true;
    chunkedBody = false;
    String traceId = Ids.newTraceId();
    guard.refused("chunk_size", traceId);
    if (answering) {
      c.close();
      return;
    }
    byte[] body = HttpErrors.body(HttpErrors.error("BAD_REQUEST", "bad message framing: " + problem)).encode()
        .getBytes(StandardCharsets.UTF_8);
    byte[] head = ("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: "
        + body.length + "\r\n" + HttpErrors.TRACE_HEADER + ": " + traceId + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    c.writeAndFlush(Unpooled.wrappedBuffer(head, body)).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
    contentLengthWithChunked = true;
    super.handleTransferEncodingChunkedWithContentLength(message);
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext c) throws Exception {
    cancelHeaderTimer();
    super.handlerRemoved0(c);
  }

  private void onHead(HttpRequest request) {
    cancelHeaderTimer();
    awaitingHead = false;
    partialHead = false;
    answering = false;
    guard.headReceived(this);
    String problem = framingProblem(request);
    String kind = "bad_framing";
    contentLengthWithChunked = false;
    if (problem == null) {
      problem = hostProblem(request);
      kind = "bad_host";
    }
    if (problem == null) {
      problem = targetProblem(request);
      kind = "bad_target";
    }
    if (problem != null && request.decoderResult().isSuccess()) {
      request.setDecoderResult(DecoderResult.failure(new FramingRefused(kind, problem)));
      refused = true;
      guard.badFraming();
      return;
    }
    chunkedBody = request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING);
    if (chunkedBody) {
      chunks.reset();
    }
  }

  /**
   * RFC 9112 section 3.2: exactly one Host in HTTP/1.1, at most one in HTTP/1.0, and a valid one
   * (Vert.x's own parse: a value it cannot read would fail in the router, logged as an ERROR).
   */
  private static String hostProblem(HttpRequest request) {
    List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
    if (hosts.size() > 1) {
      return "more than one Host header";
    }
    if (hosts.isEmpty()) {
      return HttpVersion.HTTP_1_1.equals(request.protocolVersion()) ? "an HTTP/1.1 request needs a Host header" : null;
    }
    String host = hosts.get(0).trim();
    if (!host.isEmpty()) {
      HostAndPort parsed = HostAndPort.parseAuthority(host, -1);
      if (parsed == null || parsed.port() > 65_535) {
        return "the Host header is not a host[:port]";
      }
    }
    return null;
  }

  /**
   * The request target's path must have valid percent-escapes ({@code %} and two hex digits):
   * Vert.x's router would throw on one while matching routes, logged as an ERROR per request.
   */
  private static String targetProblem(HttpRequest request) {
    String uri = request.uri();
    int end = uri.indexOf('?');
    end = end < 0 ? uri.length() : end;
    for (int i = uri.indexOf('%'); i >= 0 && i < end; i = uri.indexOf('%', i + 1)) {
      if (i + 2 >= end || Character.digit(uri.charAt(i + 1), 16) < 0 || Character.digit(uri.charAt(i + 2), 16) < 0) {
        return "a bad percent-escape in the request path";
      }
    }
    return null;
  }

  private String framingProblem(HttpRequest request) {
    if (contentLengthWithChunked) {
      return "ambiguous message framing: Content-Length together with Transfer-Encoding";
    }
    List<String> codings = request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
    if (codings.isEmpty()) {
      return null;
    }
    if (codings.size() != 1 || !codings.get(0).trim().equalsIgnoreCase("chunked")) {
      return "ambiguous message framing: a Transfer-Encoding other than chunked";
    }
    if (request.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
      return "ambiguous message framing: Content-Length together with Transfer-Encoding";
    }
    return null;
  }

  private void armHeaderTimer() {
    if (ctx == null) {
      return;
    }
    cancelHeaderTimer();
    headerTimer = ctx.executor().schedule(this::headerTimedOut, headerTimeoutMs, TimeUnit.MILLISECONDS);
  }

  private void cancelHeaderTimer() {
    if (headerTimer != null) {
      headerTimer.cancel(false);
      headerTimer = null;
    }
  }

  private void headerTimedOut() {
    headerTimer = null;
    if (!awaitingHead || !ctx.channel().isActive()) {
      return;
    }
    guard.headerTimedOut();
    if (partialHead) {
      // Written from here it skips the HTTP encoder: the bytes go out as they are.
      byte[] answer = ("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n"
          + HttpErrors.TRACE_HEADER + ": " + Ids.newTraceId() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
      ctx.writeAndFlush(Unpooled.wrappedBuffer(answer)).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.close();
    }
  }

  /** Closes the connection (any thread): the guard sheds connections that sent no head yet. */
  void shed() {
    if (ctx != null) {
      ctx.channel().close();
    }
  }
}
