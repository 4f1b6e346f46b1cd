package dev.discordbridge.stream;

import dev.discordbridge.contract.Ids;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The public port's HTTP/1.1 request decoder: Vert.x's own, plus two edge rules Vert.x does not
 * have. (1) Request-head timeout: a connection must deliver a complete head within the bound,
 * counted from when it opens and, between keep-alive requests, from the first byte of the next
 * head; otherwise it is closed (with 408 when part of a head came). (2) Unambiguous framing
 * (RFC 9112 section 6.1): Content-Length together with Transfer-Encoding, or any
 * Transfer-Encoding other than exactly {@code chunked}, marks the request invalid (the server's
 * invalid-request handler answers 400 and closes) and nothing after it on the connection is
 * decoded, so a request hidden behind the body is never answered.
 *
 * <p>It extends Vert.x's decoder (an internal class) so that everything else about decoding stays
 * exactly as Vert.x does it; Netty documents {@link #handleTransferEncodingChunkedWithContentLength}
 * as the place to refuse CL+TE instead of dropping Content-Length.
 */
final class EdgeDecoder extends VertxHttpRequestDecoder {

  /** Why a request was refused; the invalid-request handler recognises it. */
  static final class FramingRefused extends IllegalArgumentException {
    FramingRefused(String message) {
      super(message, null);
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

  EdgeDecoder(HttpServerOptions options, ConnectionGuard guard, long headerTimeoutMs) {
    super(options);
    this.guard = guard;
    this.headerTimeoutMs = headerTimeoutMs;
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
    int before = out.size();
    super.decode(c, in, out);
    for (int i = before; i < out.size(); i++) {
      Object o = out.get(i);
      if (o instanceof HttpRequest request) {
        onHead(request);
      }
      if (o instanceof LastHttpContent && !refused) {
        awaitingHead = true;
        partialHead = false;
      }
    }
    if (refused) {
      in.skipBytes(in.readableBytes());
    }
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
    guard.headReceived(this);
    String problem = framingProblem(request);
    contentLengthWithChunked = false;
    if (problem != null && request.decoderResult().isSuccess()) {
      request.setDecoderResult(DecoderResult.failure(new FramingRefused(problem)));
      refused = true;
      guard.badFraming();
    }
  }

  private String framingProblem(HttpRequest request) {
    if (contentLengthWithChunked) {
      return "Content-Length together with Transfer-Encoding";
    }
    List<String> codings = request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
    if (codings.isEmpty()) {
      return null;
    }
    if (codings.size() != 1 || !codings.get(0).trim().equalsIgnoreCase("chunked")) {
      return "a Transfer-Encoding other than chunked";
    }
    if (request.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
      return "Content-Length together with Transfer-Encoding";
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
