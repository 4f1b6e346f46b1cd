package dev.discordbridge.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.RequestOptions;
import java.util.function.IntFunction;

/** A server under test: started as its own process, pinned to the server CPU. */
interface Target {

  /** How command POSTs are made against this server, when it has a command API. */
  record CommandSpec(IntFunction<RequestOptions> request, IntFunction<Buffer> body) {}

  String name();

  /** Starts the server and returns once it accepts streams and publishes. */
  void start() throws Exception;

  /** The process whose CPU and memory are measured (the bridge JVM, the nginx worker). */
  long measuredPid();

  SseLoop.StreamSpec streamSpec();

  /** Publishes one event (contract-shaped JSON); called from the publisher thread. */
  void publish(String eventJson);

  /** null when the server has no command API. */
  CommandSpec commands();

  /** Anything a reader should know about this run (link reconnects, publish errors). */
  String notes();

  void stop();
}
