package dev.discordbridge.app;

import dev.discordbridge.config.ConfigException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar target/bridge.jar [--cluster]}: starts one node. Configuration comes from
 * conf/ and the environment; a bad value stops start-up with a message naming the variable.
 */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  public static void main(String[] args) {
    var overrides = new JsonObject();
    for (String arg : args) {
      switch (arg) {
        case "--cluster" -> overrides.put("CLUSTER_ENABLED", "true");
        case "--help", "-h" -> {
          System.out.println("usage: java -jar bridge.jar [--cluster]   (configuration: see README, conf/bridge.json, .env.example)");
          return;
        }
        default -> {
          System.err.println("unknown argument: " + arg + " (usage: java -jar bridge.jar [--cluster])");
          System.exit(2);
        }
      }
    }
    Node.start(System.getenv(), overrides)
        .onSuccess(node -> Runtime.getRuntime().addShutdownHook(new Thread(node::shutdown, "shutdown")))
        .onFailure(err -> {
          if (err instanceof ConfigException) {
            System.err.println("configuration error: " + err.getMessage());
          } else {
            log.error("start-up failed: {}", String.valueOf(err.getMessage()), err);
          }
          System.exit(1);
        });
  }
}
