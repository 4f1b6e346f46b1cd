package dev.discordbridge.discord.rest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The {@code nonce} of a create-message request, derived from the command id: 25 characters
 * (Discord's maximum) of the URL-safe Base64 of its SHA-256, so every retry of one command,
 * on any node, carries the same nonce and Discord's {@code enforce_nonce} turns a retry of a
 * message that was in fact created into the same message.
 */
public final class RestNonce {
  public static final int LENGTH = 25;

  private RestNonce() {}

  public static String of(String commandId) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(commandId.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, LENGTH);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
