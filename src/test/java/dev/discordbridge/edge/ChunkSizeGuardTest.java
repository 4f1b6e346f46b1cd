package dev.discordbridge.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The chunked-body follower that refuses chunk sizes Netty would wrap to 32 bits. */
class ChunkSizeGuardTest {
  static String scan(ChunkSizeGuard g, String bytes) {
    ByteBuf b = Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1);
    return g.scan(b, 0, b.readableBytes());
  }

  @Test
  void wellFramedBodiesPassAndTheEndIsFound() {
    ChunkSizeGuard g = new ChunkSizeGuard();
    assertNull(scan(g, "5\r\nhello\r\n1a;ext=1\r\n" + "x".repeat(26) + "\r\n0\r\nTrailer: t\r\n\r\n"));
    assertTrue(g.done());
  }

  @Test
  void moreThanEightSignificantDigitsAreRefusedLeadingZerosAreNot() {
    assertNotNull(scan(new ChunkSizeGuard(), "100000005\r\n"));
    assertNotNull(scan(new ChunkSizeGuard(), "5\r\nhello\r\n1FFFFFFFF\r\n"), "a later chunk too");
    ChunkSizeGuard zeros = new ChunkSizeGuard();
    assertNull(scan(zeros, "0000000000000005\r\nhello\r\nFFFFFFFF"));
    assertFalse(zeros.done());
  }

  @Test
  void theStateCarriesAcrossPieces() {
    ChunkSizeGuard g = new ChunkSizeGuard();
    String body = "3\r\nabc\r\n10000000";
    for (char ch : body.toCharArray()) {
      assertNull(scan(g, String.valueOf(ch)));
    }
    assertNotNull(scan(g, "5"), "the ninth significant digit, arriving alone");
  }

  @Test
  void dataThatLooksLikeASizeLineIsSkipped() {
    ChunkSizeGuard g = new ChunkSizeGuard();
    assertNull(scan(g, "b\r\n100000005\r\n\r\n0\r\n\r\n"));
    assertTrue(g.done());
    g.reset();
    assertFalse(g.done());
    assertEquals(null, scan(g, "0\r\n\r\n"));
    assertTrue(g.done());
  }
}
