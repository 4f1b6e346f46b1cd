package dev.discordbridge.auth;

/**
 * The token sources of a request, as plain values read by the edge: the {@code Authorization}
 * header, the {@link Authenticator#COOKIE} cookie and the {@link Authenticator#QUERY_PARAM}
 * query parameter. Each is null when absent.
 */
public record Credentials(String authorization, String cookie, String query) {}
