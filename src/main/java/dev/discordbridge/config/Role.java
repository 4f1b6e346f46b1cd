package dev.discordbridge.config;

import java.util.Locale;

/**
 * The roles a node deploys, the one table of their names: the key under {@code verticles} in
 * conf/bridge.json, the {@code VERTICLES_<ROLE>_INSTANCES} variable, the package whose classes
 * log under the role, and how many instances a node may run.
 */
public enum Role {
  GATEWAY("gateway", 1),
  SSE_ROUTER("stream", 64),
  /** One per node: it owns the node's command state (queue, journal, node-local idempotency keys). */
  COMMAND_DISPATCHER("command", 1),
  RATE_LIMITER("ratelimit", 64),
  LEGACY_BRIDGE("legacy", 64);

  private final String packageName;
  private final int maxInstances;

  Role(String packageName, int maxInstances) {
    this.packageName = packageName;
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

  /** The role whose classes live in {@code packageName} (the segment after dev.discordbridge), or null. */
  public static Role ofPackage(String packageName) {
    for (Role r : values()) {
      if (r.packageName.equals(packageName)) {
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
