package dev.discordbridge.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The edge's check of the shape of a POST /internal/events body. */
class IngestRoutesTest {

  @Test
  void aBatchOfEventFramesHasNoProblem() {
    JsonObject body = new JsonObject().put("v", 1).put("events", new JsonArray().add(new JsonObject()));
    assertTrue(IngestRoutes.problems(body).isEmpty());
  }

  @Test
  void aWrongVersionAndAnEmptyBatchAreNamedInOrder() {
    JsonArray fields = IngestRoutes.problems(new JsonObject().put("v", 2).put("events", new JsonArray()));
    assertEquals(2, fields.size());
    assertEquals("v", fields.getJsonObject(0).getString("field"));
    assertEquals("must be 1", fields.getJsonObject(0).getString("message"));
    assertEquals("events", fields.getJsonObject(1).getString("field"));
    assertEquals("must be an array of 1 to 1000 event frames", fields.getJsonObject(1).getString("message"));
  }

  @Test
  void moreThanAThousandEventsOrNoArrayAreRefused() {
    JsonArray many = new JsonArray();
    for (int i = 0; i <= 1000; i++) {
      many.add(new JsonObject());
    }
    assertEquals("events", IngestRoutes.problems(new JsonObject().put("v", 1).put("events", many)).getJsonObject(0).getString("field"));
    assertEquals("events", IngestRoutes.problems(new JsonObject().put("v", 1).put("events", "x")).getJsonObject(0).getString("field"));
  }

  @Test
  void onlyTheLinkTokenIsAccepted() {
    var routes = new IngestRoutes(null, 0, "secret-token-0123456789");
    assertTrue(routes.linkTokenMatches("Bearer secret-token-0123456789"));
    assertTrue(routes.linkTokenMatches("bearer secret-token-0123456789"));
    assertEquals(false, routes.linkTokenMatches("Bearer wrong"));
    assertEquals(false, routes.linkTokenMatches(null));
    assertEquals(false, new IngestRoutes(null, 0, null).linkTokenMatches("Bearer x"));
  }
}
