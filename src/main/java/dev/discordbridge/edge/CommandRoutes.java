package dev.discordbridge.edge;

import dev.discordbridge.auth.Authenticator;
import dev.discordbridge.auth.Caller;
import dev.discordbridge.auth.OriginPolicy;
import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.CommandOutcome;
import dev.discordbridge.bus.CommandRequest;
import dev.discordbridge.config.CommandBudget;
import dev.discordbridge.ops.TraceLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thin HTTP-to-bus relay of {@code POST /api/commands/:name} ({@code POST /internal/events} is
 * {@link IngestRoutes}). The edge authenticates, checks the origin, caps and parses the body,
 * sends a {@link CommandRequest} to this node's dispatcher (the first of a command's two bus
 * hops) and writes the {@link CommandOutcome}
 * as HTTP through {@link CommandAnswers}.
 */
final class CommandRoutes {
  private static final Logger log = LoggerFactory.getLogger(CommandRoutes.class);

  private final Vertx vertx;
  private final Authenticator authenticator;
  private final OriginPolicy origins;
  private final int bodyLimit;
  /** The edge's share of the command budget: the dispatcher answers (queued at the latest) before it. */
  private final DeliveryOptions submitOptions;

  CommandRoutes(Vertx vertx, Authenticator authenticator, OriginPolicy origins, int bodyLimit, CommandBudget budget) {
    this.vertx = vertx;
    this.authenticator = authenticator;
    this.origins = origins;
    this.bodyLimit = bodyLimit;
    // Local only: a node's commands go to its own dispatcher (their state is cluster-wide anyway).
    this.submitOptions = new DeliveryOptions().setSendTimeout(budget.edgeWaitMs()).setLocalOnly(true);
  }

  /** {@code POST /api/commands/:name}. */
  void command(RoutingContext ctx) {
    ctx.request().pause();
    String traceId = HttpErrors.traceId(ctx);
    authenticator.identify(RequestCredentials.of(ctx.request()))
        .recover(err -> {
          BodyReader.discard(ctx.request());
          StreamRoutes.unauthenticated(ctx, err);
          return Future.failedFuture(new BodyReader.Answered());
        })
        .compose(identity -> {
          Caller caller = identity.caller();
          if (caller.via() == Caller.Via.COOKIE && origins.refusesCrossSite(RequestCredentials.site(ctx.request()))) {
            BodyReader.discard(ctx.request());
            HttpErrors.write(ctx, 403, "FORBIDDEN", "cross-site requests authenticated by cookie are refused");
            return Future.failedFuture(new BodyReader.Answered());
          }
          return BodyReader.readJson(ctx, bodyLimit).map(body -> commandRequest(ctx, traceId, identity, body));
        })
        .onSuccess(request -> {
          if (request != null) {
            submit(ctx, request);
          }
        })
        .onFailure(err -> {
          if (!(err instanceof BodyReader.Answered)) {
            TraceLog.error(log, traceId, "request failed: {}", String.valueOf(err));
            HttpErrors.write(ctx, 500, "INTERNAL", "internal error (trace id " + traceId + ")");
          }
        });
  }

  private void submit(RoutingContext ctx, CommandRequest request) {
    vertx.eventBus().<CommandOutcome>request(Addresses.COMMAND_SUBMIT, request, submitOptions)
        .onSuccess(m -> HttpErrors.write(ctx.response(), CommandAnswers.of(m.body())))
        .onFailure(err -> submitFailed(ctx, err, request.traceId()));
  }

  /** The dispatcher did not answer: nobody consumes it (503), no answer in time (504), or anything else (500). */
  private void submitFailed(RoutingContext ctx, Throwable err, String traceId) {
    ReplyFailure type = err instanceof ReplyException re ? re.failureType() : null;
    if (type == ReplyFailure.NO_HANDLERS) {
      TraceLog.warn(log, traceId, "relay to {} failed: nobody consumes it", Addresses.COMMAND_SUBMIT);
      HttpErrors.write(ctx, 503, "SERVICE_UNAVAILABLE", "the service is not available on this node");
    } else if (type == ReplyFailure.TIMEOUT) {
      TraceLog.warn(log, traceId, "relay to {} timed out after {} ms", Addresses.COMMAND_SUBMIT, submitOptions.getSendTimeout());
      HttpErrors.write(ctx, 504, "TIMEOUT", "the service did not answer in time");
    } else {
      TraceLog.error(log, traceId, "relay to {} failed: {}", Addresses.COMMAND_SUBMIT, String.valueOf(err.getMessage()));
      HttpErrors.write(ctx, 500, "INTERNAL", "internal error (trace id " + traceId + ")");
    }
  }

  /** The command request, or null after answering 400 for a body that is not an object. */
  private static CommandRequest commandRequest(RoutingContext ctx, String traceId, Authenticator.Identity identity,
                                               Object body) {
    if (!(body instanceof JsonObject object)) {
      HttpErrors.validation(ctx, "body", "the body must be a JSON object");
      return null;
    }
    Caller caller = identity.caller();
    // Contract section 10: the sender's display name (the token's name claim, else its username) travels with the command.
    return new CommandRequest(traceId, ctx.pathParam("name"), caller.userId(), caller.guilds().stream().sorted().toList(),
        caller.channels() == null ? null : caller.channels().stream().sorted().toList(), caller.via().name().toLowerCase(),
        object, header(ctx, "idempotency-key"), header(ctx, "traceparent"), identity.profile().displayName(),
        identity.profile().avatarUrl());
  }

  private static String header(RoutingContext ctx, String name) {
    String v = ctx.request().getHeader(name);
    return v != null && v.length() <= 512 ? v : null;
  }
}
