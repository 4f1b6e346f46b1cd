package dev.discordbridge.app;

import dev.discordbridge.config.BridgeConfig;
import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Reads configuration with vertx-config: {@code conf/bridge.json} (from the working directory,
 * else the copy inside the jar), then an optional {@code CONFIG_FILE}, then the environment,
 * then {@code overrides} (command-line flags, tests); later sources win. A blank variable counts
 * as unset (the default from conf/ applies). conf/bridge.json holds every default: a working
 * directory's copy must be complete.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  public static Future<BridgeConfig> load(Vertx vertx, Map<String, String> environment, JsonObject overrides) {
    var options = new ConfigRetrieverOptions().setScanPeriod(-1)
        .addStore(new ConfigStoreOptions().setType("file").setFormat("json")
            .setConfig(new JsonObject().put("path", BridgeConfig.DEFAULTS_RESOURCE)));
    String extra = environment.get("CONFIG_FILE");
    if (extra != null && !extra.isBlank()) {
      options.addStore(new ConfigStoreOptions().setType("file").setFormat("json")
          .setConfig(new JsonObject().put("path", extra)));
    }
    options.addStore(new ConfigStoreOptions().setType("json").setConfig(BridgeConfig.withoutBlanks(new JsonObject(Map.copyOf(environment)))));
    options.addStore(new ConfigStoreOptions().setType("json").setConfig(BridgeConfig.withoutBlanks(overrides)));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig()
        .eventually(retriever::close)
        .map(BridgeConfig::parseMerged);
  }
}
