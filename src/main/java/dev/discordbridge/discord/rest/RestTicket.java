package dev.discordbridge.discord.rest;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.util.function.Supplier;

/**
 * One request waiting in a {@link RestBucket}: how to send it (again, after a 429: the same
 * request, the same body) and the promise its caller holds.
 */
final class RestTicket {
  final RestRoute route;
  final Supplier<Future<HttpResponse<Buffer>>> send;
  final Promise<HttpResponse<Buffer>> promise;
  int rateLimited;

  RestTicket(RestRoute route, Supplier<Future<HttpResponse<Buffer>>> send, Promise<HttpResponse<Buffer>> promise) {
    this.route = route;
    this.send = send;
    this.promise = promise;
  }
}
