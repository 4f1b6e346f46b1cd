package dev.discordbridge.discord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.discordbridge.bus.MessageEcho;
import dev.discordbridge.bus.WebhookPost;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The webhook bookkeeping: echoes confirm the oldest waiting execution once; memory stays bounded. */
class WebhookMemoryTest {
  static final String HOOK = "700000000000000001";
  static final String CH = "400000000000000001";

  @Test
  void anEchoConfirmsTheOldestUnconfirmedExecutionOfTheSameText() {
    var hooks = new Webhooks((r, b) -> Future.failedFuture("unused"), () -> Future.succeededFuture("1"));
    var sent = new SentMessages(60_000, 100);
    String key = Webhooks.key(HOOK, CH, "Ana", "hi");
    hooks.executing(key, "nonceA", CH, 0);
    hooks.executing(key, "nonceB", CH, 0);
    hooks.executing(key, "nonceA", CH, 0); // a retry is not a second execution
    assertEquals(2, hooks.pendingCount());
    var echo1 = new MessageEcho("webhook:" + HOOK, null, CH, "800000000000000001", HOOK, "Ana", "hi");
    assertEquals("nonceA", hooks.echoed(echo1, sent, 1));
    sent.record("nonceA", CH, "800000000000000001", 1);
    var echo2 = new MessageEcho("webhook:" + HOOK, null, CH, "800000000000000002", HOOK, "Ana", "hi");
    assertEquals("nonceB", hooks.echoed(echo2, sent, 2));
    assertNull(hooks.echoed(new MessageEcho("webhook:" + HOOK, null, CH, "800000000000000003", HOOK, "Bob", "hi"), sent, 3),
        "another name is another execution");
    hooks.settled(key, "nonceA");
    hooks.settled(key, "nonceB");
    assertEquals(0, hooks.pendingCount());
  }

  @Test
  void pendingExecutionsAreBounded() {
    var hooks = new Webhooks((r, b) -> Future.failedFuture("unused"), () -> Future.succeededFuture("1"));
    for (int i = 0; i < Webhooks.MAX_PENDING + 50; i++) {
      hooks.executing(Webhooks.key(HOOK, CH, "Ana", "m" + i), "n" + i, CH, i);
    }
    assertEquals(Webhooks.MAX_PENDING, hooks.pendingCount());
  }

  @Test
  void webhookAuthorsMatchOnceKeepByMessageAndAreBounded() {
    var authors = new WebhookAuthors();
    authors.expect(new WebhookPost(CH, "Ana", "hi", "200000000000000001", "Ana", null), 0);
    JsonObject a = authors.author("800000000000000001", CH, "Ana", "hi", 1);
    assertEquals("200000000000000001", a.getString("id"));
    assertEquals(Face.defaultAvatar("200000000000000001"), a.getString("avatarUrl"));
    assertEquals(a, authors.author("800000000000000001", CH, "Ana", "hi", 2), "a replayed dispatch: the same author");
    assertNull(authors.author("800000000000000002", CH, "Ana", "hi", 3), "one post, one message");
    for (int i = 0; i < WebhookAuthors.MAX_ENTRIES + 10; i++) {
      authors.expect(new WebhookPost(CH, "Ana", "m" + i, "200000000000000001", null, null), 4);
    }
    assertEquals(WebhookAuthors.MAX_ENTRIES, authors.size());
    authors.expect(new WebhookPost(CH, "Ana", "late", "200000000000000001", null, null), 5);
    assertNull(authors.author(null, CH, "Ana", "late", 5 + WebhookAuthors.KEEP_MS), "expired");
  }
}
