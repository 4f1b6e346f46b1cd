package dev.discordbridge.app;

import dev.discordbridge.config.ConfigException;
import dev.discordbridge.ops.LogFormat;
import io.vertx.core.json.JsonObject;
import org.slf4j.LoggerFactory;

/**
 * {@code bin/bridge [--cluster]} (or {@code java -jar target/bridge.jar [--cluster]}): starts one node. Configuration comes from
 * conf/ and the environment; a bad value stops start-up with a message naming the variable.
 * No logger is created before the log format is chosen (logging starts on first use).
 */
public final class Main {

  public static void main(String[] args) {
    var overrides = new JsonObject();
    for (String arg : args) {
      switch (arg) {
        case "--cluster" -> overrides.put("CLUSTER_ENABLED", "true");
        case "--help", "-h" -> {
          System.out.println("usage: bin/bridge [--cluster]   (or java -jar target/bridge.jar [--cluster]; configuration: see README, conf/bridge.json, .env.example)");
          return;
        }
        default -> {
          System.err.println("unknown argument: " + arg + " (usage: bin/bridge [--cluster])");
          System.exit(2);
        }
      }
    }
    try {
      LogFormat.apply(System.getenv(), System.console() != null);
    } catch (ConfigException e) {
      System.err.println("configuration error: " + e.getMessage());
      System.exit(1);
    }
    Node.start(System.getenv(), overrides)
        .onSuccess(node -> Runtime.getRuntime().addShutdownHook(new Thread(node::shutdown, "shutdown")))
        .onFailure(err -> {
          if (err instanceof ConfigException) {
            System.err.println("configuration error: " + err.getMessage());
          } else {
            LoggerFactory.getLogger(Main.class).error("start-up failed: {}", String.valueOf(err.getMessage()), err);
          }
          System.exit(1);
        });
  }
}
