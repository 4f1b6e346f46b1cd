package dev.discordbridge.discord.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.contract.Ids;
import org.junit.jupiter.api.Test;

class RestNonceTest {

  @Test
  void theSameCommandIdAlwaysGivesTheSameNonceOfAtMost25Characters() {
    String id = Ids.newCommandId();
    assertEquals(RestNonce.of(id), RestNonce.of(id));
    assertEquals(25, RestNonce.of(id).length());
    assertEquals(25, RestNonce.of("x".repeat(128)).length());
    assertTrue(RestNonce.of(id).matches("[A-Za-z0-9_-]{25}"));
    assertNotEquals(RestNonce.of(id), RestNonce.of(Ids.newCommandId()));
  }
}
