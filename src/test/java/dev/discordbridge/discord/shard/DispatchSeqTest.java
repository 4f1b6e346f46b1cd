package dev.discordbridge.discord.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.discordbridge.discord.shard.DispatchSeq.Verdict;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class DispatchSeqTest {

  @Test
  void onlySafeNonNegativeIntegersArePositions() {
    assertEquals(7L, DispatchSeq.safe(7));
    assertEquals(DispatchSeq.MAX_SAFE, DispatchSeq.safe(DispatchSeq.MAX_SAFE));
    assertNull(DispatchSeq.safe(DispatchSeq.MAX_SAFE + 2));
    assertNull(DispatchSeq.safe(-1));
    assertNull(DispatchSeq.safe(2.0));
    assertNull(DispatchSeq.safe(new BigInteger("100000000000000000000")));
    assertNull(DispatchSeq.safe("5"));
  }

  @Test
  void verdicts() {
    assertEquals(Verdict.NONE, DispatchSeq.judge(null, 3L, 3L));
    assertEquals(Verdict.NEXT, DispatchSeq.judge(1, null, null));
    assertEquals(Verdict.NEXT, DispatchSeq.judge(4L, 3L, 3L));
    assertEquals(Verdict.NEXT, DispatchSeq.judge(40L, 3L, 3L), "Discord does not promise contiguous seqs");
    assertEquals(Verdict.REPEAT, DispatchSeq.judge(3L, 3L, null), "an overlapping replay");
    assertEquals(Verdict.REPEAT, DispatchSeq.judge(2L, 3L, 1L));
    assertEquals(Verdict.BACK, DispatchSeq.judge(4L, DispatchSeq.MAX_SAFE, DispatchSeq.MAX_SAFE), "after a bad jump");
    assertEquals(Verdict.UNSAFE, DispatchSeq.judge(DispatchSeq.MAX_SAFE + 2, 3L, 3L));
    assertEquals(Verdict.UNSAFE, DispatchSeq.judge(2.5, 3L, 3L));
  }
}
