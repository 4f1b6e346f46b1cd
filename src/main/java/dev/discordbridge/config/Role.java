package dev.discordbridge.config;

import java.util.List;
import java.util.Locale;

/**
 * The roles a node deploys, the one table of their names: the key under {@code verticles} in
 * conf/bridge.json, the {@code VERTICLES_<ROLE>_INSTANCES} variable, the package whose classes
 * log under the role (its subpackages too), and how many instances a node may run.
 */
public enum Role {
  GATEWAY(1, "link", "discord"),
  SSE_ROUTER(64, "edge"),
  /** One per node: it owns the node's command state (queue, journal, node-local idempotency keys). */
  COMMAND_DISPATCHER(1, "command"),
  RATE_LIMITER(64, "ratelimit"),
  LEGACY_BRIDGE(64, "legacy");

  private final List<String> packageNames;
  private final int maxInstances;

  Role(int maxInstances, String... packageNames) {
    this.packageNames = List.of(packageNames);
    this.maxInstances = maxInstances;
  }

  /** The name in conf/bridge.json, logs and metrics: the constant's name in kebab case, e.g. {@code sse-router}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public int maxInstances() {
    return maxInstances;
  }

  /** The environment variable that overrides {@code verticles.<id>.instances}. */
  public String instancesVariable() {
    return "VERTICLES_" + name() + "_INSTANCES";
  }

  /**
   * The role whose classes live in {@code packageName} (the segment after dev.discordbridge), or
   * null: the link holder and direct mode's Discord classes log as {@code gateway}, the public
   * port's as {@code sse-router}, so log filters keep working across the package names.
   */
  public static Role ofPackage(String packageName) {
    for (Role r : values()) {
      if (r.packageNames.contains(packageName)) {
        return r;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return id();
  }
}
