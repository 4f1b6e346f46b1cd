package dev.discordbridge.config;

import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * Direct Discord mode (contract section 8): set when {@code DISCORD_BOT_TOKEN} is, else null.
 *
 * @param apiBase the REST base ({@code DISCORD_API_BASE}), e.g. https://discord.com/api/v10
 * @param gatewayUrl a forced gateway URL ({@code DISCORD_GATEWAY_URL}), or null: the one /gateway/bot gives
 * @param compress {@code DISCORD_COMPRESS=zlib-stream}: the gateway sends zlib-stream compressed messages
 * @param shards {@code DISCORD_SHARDS}: a count, or null ({@code auto}: the count /gateway/bot recommends)
 * @param messageContent {@code DISCORD_MESSAGE_CONTENT}: ask for the privileged Message Content intent
 * @param userAgentUrl {@code DISCORD_USER_AGENT_URL}: the URL in {@code User-Agent: DiscordBot (url, version)}
 * @param discordPermissions {@code DISCORD_PERMISSIONS=discord}: mirror Discord's channel permissions for every
 *     caller; false ({@code token}): callers are judged by their token's claims alone (the bot's own checks stay)
 * @param memberTtlMs {@code DISCORD_MEMBER_TTL_MS}: how long a caller's roles, fetched from Discord, are trusted
 * @param membersIntent {@code DISCORD_GUILD_MEMBERS_INTENT}: ask for the privileged Server Members intent, so that
 *     GUILD_MEMBER_UPDATE refreshes a caller's roles at once (without it, the TTL does)
 * @param signIn Sign in with Discord ({@code DISCORD_CLIENT_ID} and {@code DISCORD_CLIENT_SECRET}), or null: off
 * @param attribution {@code DISCORD_ATTRIBUTION}: how web messages show their sender in Discord
 */
public record DiscordConfig(String botToken, URI apiBase, URI gatewayUrl, boolean compress, Integer shards,
                            boolean messageContent, String userAgentUrl, boolean discordPermissions, long memberTtlMs,
                            boolean membersIntent, SignInConfig signIn, Attribution attribution) {
  /** The gateway intents the streamed events need (contract section 1). */
  public int intents() {
    int guilds = 1, members = 1 << 1, voiceStates = 1 << 7, messages = 1 << 9, reactions = 1 << 10, typing = 1 << 11,
        content = 1 << 15;
    return guilds | voiceStates | messages | reactions | typing | (messageContent ? content : 0)
        | (membersIntent ? members : 0);
  }

  @Override
  public String toString() {
    return "Discord[apiBase=" + apiBase + ", gatewayUrl=" + gatewayUrl + ", compress=" + compress + ", shards="
        + (shards == null ? "auto" : shards) + ", messageContent=" + messageContent + ", userAgentUrl=" + userAgentUrl
        + ", discordPermissions=" + discordPermissions + ", memberTtlMs=" + memberTtlMs + ", membersIntent=" + membersIntent
        + ", signIn=" + signIn + ", attribution=" + attribution.wire() + "]";
  }

  /** The same settings with Sign in with Discord's. */
  public DiscordConfig withSignIn(SignInConfig s) {
    return new DiscordConfig(botToken, apiBase, gatewayUrl, compress, shards, messageContent, userAgentUrl,
        discordPermissions, memberTtlMs, membersIntent, s, attribution);
  }

  /** Direct mode's settings, or null when no DISCORD_BOT_TOKEN is set (the others are then ignored). */
  static DiscordConfig parse(ConfigReader r) {
    String token = r.optional("DISCORD_BOT_TOKEN");
    if (token == null) {
      return null;
    }
    if (!token.matches("[A-Za-z0-9._-]{20,200}")) {
      // The value is a secret: say what is wrong with it, never what it is.
      throw new ConfigException("DISCORD_BOT_TOKEN does not look like a bot token (20 to 200 characters of "
          + "letters, digits, '.', '_' and '-'; copy it from the Developer Portal's Bot page, without \"Bot \")");
    }
    URI api = secure("DISCORD_API_BASE", BridgeConfig.url("DISCORD_API_BASE", r.string("DISCORD_API_BASE"), Set.of("http", "https")));
    String forced = r.optional("DISCORD_GATEWAY_URL");
    URI gateway = forced == null ? null : secure("DISCORD_GATEWAY_URL", BridgeConfig.url("DISCORD_GATEWAY_URL", forced, Set.of("ws", "wss")));
    String agentUrl = r.string("DISCORD_USER_AGENT_URL");
    if (!agentUrl.matches("https?://[^\\s,()]+")) {
      throw new ConfigException("DISCORD_USER_AGENT_URL must be an http:// or https:// URL without spaces, commas or "
          + "parentheses (it goes into User-Agent: DiscordBot (url, version)), got \"" + ConfigReader.shown(agentUrl) + "\"");
    }
    String compress = r.string("DISCORD_COMPRESS").toLowerCase(Locale.ROOT);
    if (!Set.of("zlib-stream", "none").contains(compress)) {
      throw new ConfigException("DISCORD_COMPRESS must be zlib-stream or none, got \"" + ConfigReader.shown(compress) + "\"");
    }
    String shards = r.string("DISCORD_SHARDS");
    Integer count = "auto".equalsIgnoreCase(shards) ? null : r.integer("DISCORD_SHARDS", 1, 4096);
    String permissions = r.string("DISCORD_PERMISSIONS").toLowerCase(Locale.ROOT);
    if (!Set.of("discord", "token").contains(permissions)) {
      throw new ConfigException("DISCORD_PERMISSIONS must be discord or token, got \"" + ConfigReader.shown(permissions) + "\"");
    }
    return new DiscordConfig(token, api, gateway, "zlib-stream".equals(compress), count, r.bool("DISCORD_MESSAGE_CONTENT"),
        agentUrl, "discord".equals(permissions), r.integer("DISCORD_MEMBER_TTL_MS", 1_000, 86_400_000),
        r.bool("DISCORD_GUILD_MEMBERS_INTENT"), null, Attribution.parse(r));
  }

  /**
   * The bot token goes to the REST base and the gateway: over plain http:// or ws:// it would travel
   * in clear, so those are refused unless the host is a loopback address (tests, a local proxy).
   */
  private static URI secure(String key, URI uri) {
    String scheme = uri.getScheme();
    if (("http".equals(scheme) || "ws".equals(scheme)) && !ConfigReader.isLoopback(uri.getHost())) {
      String tls = "http".equals(scheme) ? "https" : "wss";
      throw new ConfigException(key + " must use " + tls + ":// (the bot token would travel in clear); plain " + scheme
          + ":// is only allowed to a loopback address (127.0.0.1, ::1, localhost), got \"" + ConfigReader.shown(uri.toString())
          + "\"");
    }
    return uri;
  }
}
