package dev.discordbridge.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;

/**
 * Sign in with Discord (contract section 9): on when {@code DISCORD_CLIENT_ID} and
 * {@code DISCORD_CLIENT_SECRET} are set, in direct mode only.
 *
 * @param clientId the application's id ({@code DISCORD_CLIENT_ID})
 * @param clientSecret the application's OAuth2 secret ({@code DISCORD_CLIENT_SECRET}); never logged
 * @param publicBaseUrl the bridge's public origin ({@code PUBLIC_BASE_URL}), without a trailing slash
 * @param authorizeUrl Discord's authorize page ({@code DISCORD_OAUTH_AUTHORIZE_URL})
 * @param sessionTtlMs the lifetime of the {@code bridge_token} a sign-in issues ({@code AUTH_SESSION_TTL_MS})
 * @param stateTtlMs how long a sign-in may take between login and callback ({@code DISCORD_OAUTH_STATE_TTL_MS})
 */
public record SignInConfig(String clientId, String clientSecret, URI publicBaseUrl, URI authorizeUrl, long sessionTtlMs,
                           long stateTtlMs) {

  public static final String CALLBACK_PATH = "/auth/discord/callback";

  /** The redirect URI registered in the Developer Portal: {@code {PUBLIC_BASE_URL}/auth/discord/callback}. */
  public String redirectUri() {
    return publicBaseUrl + CALLBACK_PATH;
  }

  /** True when cookies must carry {@code Secure} (the public origin is https). */
  public boolean secureCookies() {
    return "https".equals(publicBaseUrl.getScheme());
  }

  @Override
  public String toString() {
    return "SignIn[clientId=" + clientId + ", publicBaseUrl=" + publicBaseUrl + ", authorizeUrl=" + authorizeUrl
        + ", sessionTtlMs=" + sessionTtlMs + "]";
  }

  /**
   * The settings, or null when neither {@code DISCORD_CLIENT_ID} nor {@code DISCORD_CLIENT_SECRET}
   * is set. Fails by name when only one is, outside direct mode, without an HS256 secret to sign
   * sessions with, or with a {@code PUBLIC_BASE_URL} that is missing or not an https origin.
   */
  static SignInConfig parse(ConfigReader r, boolean direct, BridgeConfig.Auth auth) {
    String id = r.optional("DISCORD_CLIENT_ID");
    String secret = r.optional("DISCORD_CLIENT_SECRET");
    if (id == null && secret == null) {
      return null;
    }
    if (id == null || secret == null) {
      throw new ConfigException((id == null ? "DISCORD_CLIENT_ID" : "DISCORD_CLIENT_SECRET")
          + " is required when " + (id == null ? "DISCORD_CLIENT_SECRET" : "DISCORD_CLIENT_ID")
          + " is set (Sign in with Discord needs both, from the Developer Portal's OAuth2 page)");
    }
    if (!id.matches("[0-9]{17,20}")) {
      throw new ConfigException("DISCORD_CLIENT_ID must be the application's id (17 to 20 digits), got \""
          + ConfigReader.shown(id) + "\"");
    }
    if (!secret.matches("[\\x21-\\x7e]{8,200}")) {
      throw new ConfigException("DISCORD_CLIENT_SECRET does not look like a client secret (8 to 200 printable "
          + "characters without spaces)");
    }
    if (!direct) {
      throw new ConfigException("DISCORD_CLIENT_ID is set but Sign in with Discord needs direct mode: set "
          + "DISCORD_BOT_TOKEN (the bridge learns which guilds the bot is in from Discord's gateway)");
    }
    if (!"HS256".equals(auth.jwtAlgorithm()) || auth.jwtSecret() == null) {
      throw new ConfigException("AUTH_JWT_SECRET is required when DISCORD_CLIENT_ID is set: the bridge signs the "
          + "bridge_token of a signed-in user with it (HS256); a public key alone cannot sign");
    }
    URI base = publicBaseUrl(r.optional("PUBLIC_BASE_URL"));
    URI authorize = authorizeUrl(r.string("DISCORD_OAUTH_AUTHORIZE_URL"));
    return new SignInConfig(id, secret, base, authorize,
        r.number("AUTH_SESSION_TTL_MS", 60_000, 30L * 86_400_000), r.number("DISCORD_OAUTH_STATE_TTL_MS", 1_000, 3_600_000));
  }

  /** An origin (scheme, host, port; no path, query or fragment); https unless the host is loopback. */
  static URI publicBaseUrl(String s) {
    if (s == null) {
      throw new ConfigException("PUBLIC_BASE_URL is required when DISCORD_CLIENT_ID is set: the bridge's public "
          + "origin, e.g. https://bridge.example.com (the redirect URI is {PUBLIC_BASE_URL}/auth/discord/callback)");
    }
    String trimmed = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    URI uri;
    try {
      uri = new URI(trimmed);
    } catch (URISyntaxException e) {
      uri = null;
    }
    if (uri == null || uri.getHost() == null || !Set.of("http", "https").contains(uri.getScheme())
        || !(uri.getRawPath() == null || uri.getRawPath().isEmpty()) || uri.getRawQuery() != null
        || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
      throw new ConfigException("PUBLIC_BASE_URL must be an origin like https://bridge.example.com (no path), got \""
          + ConfigReader.shown(s) + "\"");
    }
    if ("http".equals(uri.getScheme()) && !ConfigReader.isLoopback(uri.getHost())) {
      throw new ConfigException("PUBLIC_BASE_URL must be https (http only on loopback: localhost, 127.0.0.1, [::1]), got \""
          + ConfigReader.shown(s) + "\"");
    }
    return uri;
  }

  private static URI authorizeUrl(String s) {
    try {
      URI uri = new URI(s);
      if (Set.of("http", "https").contains(uri.getScheme()) && uri.getHost() != null && uri.getRawQuery() == null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // answered below
    }
    throw new ConfigException("DISCORD_OAUTH_AUTHORIZE_URL must be an http:// or https:// URL without a query, got \""
        + ConfigReader.shown(s) + "\"");
  }
}
