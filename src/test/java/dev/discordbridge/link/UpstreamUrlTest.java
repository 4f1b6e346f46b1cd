package dev.discordbridge.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;

class UpstreamUrlTest {

  @Test
  void wssIsTlsOnPort443AndAnEmptyPathIsTheRoot() {
    var o = UpstreamUrl.connectOptions(URI.create("wss://gateway.discord.gg"), 10_000);
    assertTrue(o.isSsl());
    assertEquals("gateway.discord.gg", o.getHost());
    assertEquals(443, o.getPort());
    assertEquals("/", o.getURI());
    assertEquals(10_000, o.getTimeout());
  }

  @Test
  void wsKeepsItsPortPathAndQuery() {
    var o = UpstreamUrl.connectOptions(URI.create("ws://127.0.0.1:8081/gateway?v=10&encoding=json"), 500);
    assertFalse(o.isSsl());
    assertEquals(8081, o.getPort());
    assertEquals("/gateway?v=10&encoding=json", o.getURI());
  }

  @Test
  void wsWithoutAPortUses80() {
    assertEquals(80, UpstreamUrl.connectOptions(URI.create("ws://hub.example/link"), 1).getPort());
  }
}
