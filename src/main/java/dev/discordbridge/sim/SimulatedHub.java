package dev.discordbridge.sim;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/** STUB: an embedded hub speaking the link contract on 127.0.0.1 (random port). */
public final class SimulatedHub extends VerticleBase {
  public static final String PATH = "/gateway";
  private final String linkToken;
  private final double eventsPerSecond;
  private int port;

  public SimulatedHub(String linkToken, double eventsPerSecond) {
    this.linkToken = linkToken;
    this.eventsPerSecond = eventsPerSecond;
  }

  public int port() { return port; }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer().webSocketHandler(ws -> ws.close()).listen(0, "127.0.0.1")
        .onSuccess(s -> port = s.actualPort());
  }
}
