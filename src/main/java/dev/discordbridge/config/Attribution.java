package dev.discordbridge.config;

import java.util.Locale;

/**
 * {@code DISCORD_ATTRIBUTION} (contract section 10): how a message sent from the web shows its
 * sender in Discord (direct mode).
 */
public enum Attribution {
  /** Through a webhook of the bridge's in the channel, under the sender's display name and avatar. */
  WEBHOOK,
  /** The bot posts {@code **displayName**: content}. */
  PREFIX,
  /** The bot posts the content as is. */
  NONE;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Attribution parse(ConfigReader r) {
    String v = r.string("DISCORD_ATTRIBUTION").trim().toLowerCase(Locale.ROOT);
    for (Attribution a : values()) {
      if (a.wire().equals(v)) {
        return a;
      }
    }
    throw new ConfigException("DISCORD_ATTRIBUTION must be webhook, prefix or none, got \"" + ConfigReader.shown(v) + "\"");
  }
}
