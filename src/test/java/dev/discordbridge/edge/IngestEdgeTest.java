package dev.discordbridge.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.IngestBatch;
import dev.discordbridge.bus.IngestResult;
import dev.discordbridge.config.BridgeConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code POST /internal/events} at the edge: the contract's answers for a body that is not a
 * batch (checked here, whoever holds the link), no link holder, and a holder's result.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IngestEdgeTest {
  static Vertx vertx;
  static WebClient web;
  static int port;

  @BeforeAll
  static void setUp() {
    vertx = StreamTestSupport.edgeVertx();
    port = StreamTestSupport.freePort();
    StreamTestSupport.deploy(vertx, BridgeConfig.parse(StreamTestSupport.baseConfig(port)), 1);
    web = WebClient.create(vertx);
  }

  @AfterAll
  static void tearDown() {
    vertx.close().await();
  }

  private static Future<HttpResponse<Buffer>> post(String body) {
    return web.post(port, "127.0.0.1", "/internal/events")
        .putHeader("Authorization", "Bearer " + StreamTestSupport.LINK_TOKEN)
        .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body));
  }

  private static String batch(int events) {
    JsonArray frames = new JsonArray();
    for (int i = 0; i < events; i++) {
      frames.add(new JsonObject().put("v", 1).put("type", "event"));
    }
    return new JsonObject().put("v", 1).put("events", frames).encode();
  }

  @Test
  void aBodyThatIsNotABatchIs400WithTheFieldsInOrder(VertxTestContext test) {
    post(new JsonObject().put("v", 2).put("events", new JsonArray()).encode()).onComplete(test.succeeding(r -> test.verify(() -> {
      assertEquals(400, r.statusCode());
      assertEquals("no-store", r.getHeader("Cache-Control"));
      JsonObject error = r.bodyAsJsonObject().getJsonObject("error");
      assertEquals("VALIDATION_FAILED", error.getString("code"));
      assertEquals("the body is not an event batch", error.getString("message"));
      assertEquals("v", error.getJsonArray("fields").getJsonObject(0).getString("field"));
      assertEquals("events", error.getJsonArray("fields").getJsonObject(1).getString("field"));
      test.completeNow();
    })));
  }

  @Test
  void aBodyThatIsNotAnObjectIs400OnTheBody(VertxTestContext test) {
    post("[1, 2]").onComplete(test.succeeding(r -> test.verify(() -> {
      assertEquals(400, r.statusCode());
      JsonObject error = r.bodyAsJsonObject().getJsonObject("error");
      assertEquals("body", error.getJsonArray("fields").getJsonObject(0).getString("field"));
      test.completeNow();
    })));
  }

  @Test
  void withoutALinkHolderABatchIs503(VertxTestContext test) {
    post(batch(1)).onComplete(test.succeeding(r -> test.verify(() -> {
      assertEquals(503, r.statusCode());
      assertEquals("SERVICE_UNAVAILABLE", r.bodyAsJsonObject().getJsonObject("error").getString("code"));
      test.completeNow();
    })));
  }

  @Test
  void theHoldersResultIsTheAnswer(VertxTestContext test) {
    var sent = test.checkpoint();
    var answered = test.checkpoint();
    var holder = vertx.eventBus().<IngestBatch>consumer(Addresses.GATEWAY_INGEST, m -> {
      test.verify(() -> assertEquals(3, m.body().events().size()));
      sent.flag();
      m.reply(new IngestResult(1, 1, List.of(new IngestResult.Rejected(2, "bad frame"))));
    });
    holder.completion().compose(v -> post(batch(3))).onComplete(test.succeeding(r -> test.verify(() -> {
      assertEquals(200, r.statusCode());
      assertEquals("application/json", r.getHeader("Content-Type"));
      assertEquals(new JsonObject().put("accepted", 1).put("duplicates", 1).put("rejected",
          new JsonArray().add(new JsonObject().put("index", 2).put("reason", "bad frame"))), r.bodyAsJsonObject());
      holder.unregister().onComplete(test.succeeding(x -> answered.flag()));
    })));
  }
}
