package dev.discordbridge.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The OAuth2 {@code state} of Sign in with Discord and its PKCE verifier, kept by no server: the
 * browser holds the state in a cookie signed with a key derived from {@code AUTH_JWT_SECRET}
 * ({@code <state>.<expiresAtMs>.<HMAC-SHA256>}), so a callback that reaches another node of the
 * cluster than the login checks it all the same. The PKCE verifier is derived from the state
 * with a second derived key: it is never sent to the browser, and every node computes the same
 * one. What this class cannot tell is whether a state was already used: the caller keeps a
 * single-use record (cluster-wide) for that.
 */
public final class SignInState {
  /** What a callback's {@code state} and the browser's cookie say together. */
  public enum Check {
    /** Signed by this bridge, for this browser, in time. */
    VALID,
    /** Not signed by this bridge (or not a state cookie at all). */
    FORGED,
    /** A genuine cookie, but for another state: the callback was started in another browser. */
    MISMATCH,
    /** A genuine cookie for this state, past its lifetime. */
    EXPIRED
  }

  /** A new sign-in: the state for the authorize URL, the cookie that binds it to the browser, and the PKCE challenge. */
  public record Issued(String state, String cookie, String codeChallenge, long expiresAtMs) {}

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final int MAX_COOKIE_CHARS = 200;
  private final byte[] stateKey;
  private final byte[] verifierKey;
  private final long ttlMs;
  private final SecureRandom random = new SecureRandom();

  /** @param secret the bridge's HS256 secret ({@code AUTH_JWT_SECRET}); each use gets its own derived key */
  public SignInState(String secret, long ttlMs) {
    byte[] master = secret.getBytes(StandardCharsets.UTF_8);
    this.stateKey = hmac(master, "bridge sign-in state v1");
    this.verifierKey = hmac(master, "bridge sign-in pkce verifier v1");
    this.ttlMs = ttlMs;
  }

  public Issued issue(long nowMs) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String state = B64.encodeToString(bytes);
    long expiresAt = nowMs + ttlMs;
    String payload = state + "." + expiresAt;
    return new Issued(state, payload + "." + sign(payload), challenge(verifier(state)), expiresAt);
  }

  public Check check(String cookie, String state, long nowMs) {
    if (cookie == null || state == null || cookie.length() > MAX_COOKIE_CHARS) {
      return Check.FORGED;
    }
    int last = cookie.lastIndexOf('.');
    int first = cookie.indexOf('.');
    if (first <= 0 || last <= first) {
      return Check.FORGED;
    }
    String payload = cookie.substring(0, last);
    byte[] given = cookie.substring(last + 1).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(given, sign(payload).getBytes(StandardCharsets.US_ASCII))) {
      return Check.FORGED;
    }
    long expiresAt;
    try {
      expiresAt = Long.parseLong(cookie.substring(first + 1, last));
    } catch (NumberFormatException e) {
      return Check.FORGED;
    }
    if (!MessageDigest.isEqual(cookie.substring(0, first).getBytes(StandardCharsets.UTF_8),
        state.getBytes(StandardCharsets.UTF_8))) {
      return Check.MISMATCH;
    }
    return nowMs >= expiresAt ? Check.EXPIRED : Check.VALID;
  }

  /** When a cookie that {@link #check} found valid expires (for how long its single-use record must last). */
  public static long expiresAt(String cookie) {
    int last = cookie.lastIndexOf('.');
    return Long.parseLong(cookie.substring(cookie.indexOf('.') + 1, last));
  }

  /** The PKCE code verifier of {@code state} (RFC 7636: 43 characters of base64url). */
  public String verifier(String state) {
    return B64.encodeToString(hmac(verifierKey, state));
  }

  /** {@code BASE64URL(SHA-256(verifier))}, RFC 7636's S256. */
  public static String challenge(String verifier) {
    try {
      return B64.encodeToString(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private String sign(String payload) {
    return B64.encodeToString(hmac(stateKey, payload));
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }
}
