package dev.discordbridge.command;

import io.vertx.core.Future;

/**
 * What {@link CommandQueue#offer} says: accepted (its outcome completes later) or refused.
 * {@code paused}: the link is down or the breaker open, so no ack can come soon and the caller
 * should answer 202 at once. {@code shuttingDown}: refused because the node is stopping (not
 * because the queue is full).
 */
record Admission(boolean accepted, boolean paused, Future<Outcome> outcome, long retryAfterMs, Future<Void> recorded,
                 boolean shuttingDown) {}
