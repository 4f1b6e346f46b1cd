package dev.discordbridge.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The signed state cookie and the derived PKCE verifier of Sign in with Discord. */
class SignInStateTest {
  static final String SECRET = "sign-in-state-secret-0123456789abcdef";
  final SignInState states = new SignInState(SECRET, 600_000);

  @Test
  void aStateIsValidForItsBrowserUntilItExpires() {
    SignInState.Issued issued = states.issue(1_000);
    assertTrue(issued.state().matches("[A-Za-z0-9_-]{43}"), issued.state());
    assertEquals(SignInState.Check.VALID, states.check(issued.cookie(), issued.state(), 1_000));
    assertEquals(SignInState.Check.VALID, states.check(issued.cookie(), issued.state(), 600_999));
    assertEquals(SignInState.Check.EXPIRED, states.check(issued.cookie(), issued.state(), 601_000));
    assertEquals(601_000, SignInState.expiresAt(issued.cookie()));
  }

  @Test
  void anotherNodeWithTheSameSecretAcceptsItAndComputesTheSameVerifier() {
    SignInState.Issued issued = states.issue(1_000);
    SignInState otherNode = new SignInState(SECRET, 600_000);
    assertEquals(SignInState.Check.VALID, otherNode.check(issued.cookie(), issued.state(), 2_000));
    assertEquals(issued.codeChallenge(), SignInState.challenge(otherNode.verifier(issued.state())));
    assertEquals(SignInState.Check.FORGED, new SignInState(SECRET + "x", 600_000).check(issued.cookie(), issued.state(), 2_000));
  }

  @Test
  void forgedTamperedOrForeignCookiesAreRefused() {
    SignInState.Issued mine = states.issue(1_000);
    SignInState.Issued theirs = states.issue(1_000);
    assertEquals(SignInState.Check.MISMATCH, states.check(mine.cookie(), theirs.state(), 2_000));
    String[] parts = mine.cookie().split("\\.");
    // A later expiry under the old signature, a state swapped in, garbage: none passes.
    assertEquals(SignInState.Check.FORGED, states.check(parts[0] + "." + (Long.parseLong(parts[1]) + 1) + "." + parts[2],
        mine.state(), 2_000));
    assertEquals(SignInState.Check.FORGED, states.check(theirs.state() + "." + parts[1] + "." + parts[2], theirs.state(), 2_000));
    assertEquals(SignInState.Check.FORGED, states.check("garbage", mine.state(), 2_000));
    assertEquals(SignInState.Check.FORGED, states.check("a.b.c", "a", 2_000));
    assertEquals(SignInState.Check.FORGED, states.check("x".repeat(500), mine.state(), 2_000));
    assertEquals(SignInState.Check.FORGED, states.check(null, mine.state(), 2_000));
  }

  @Test
  void theVerifierIsSecretPerStateAndTheChallengeIsRfc7636S256() {
    // RFC 7636, appendix B.
    assertEquals("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        SignInState.challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
    SignInState.Issued a = states.issue(1_000);
    SignInState.Issued b = states.issue(1_000);
    String verifier = states.verifier(a.state());
    assertTrue(verifier.matches("[A-Za-z0-9_-]{43}"), verifier);
    assertEquals(a.codeChallenge(), SignInState.challenge(verifier));
    assertNotEquals(a.codeChallenge(), b.codeChallenge());
    assertTrue(!a.cookie().contains(verifier), "the verifier never reaches the browser");
  }
}
