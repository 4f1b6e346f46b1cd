package dev.discordbridge.auth;

/** A missing or unusable token. The message is safe to show the caller (no token text in it). */
public final class AuthFailure extends RuntimeException {
  public AuthFailure(String message) {
    super(message, null, false, false);
  }
}
