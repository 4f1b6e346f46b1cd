package dev.discordbridge.auth;

/**
 * What a request says about the site it comes from, as plain values read by the edge: the
 * {@code Origin}, {@code Sec-Fetch-Site} and {@code Host} headers. Each is null when absent.
 */
public record SiteHeaders(String origin, String fetchSite, String host) {}
