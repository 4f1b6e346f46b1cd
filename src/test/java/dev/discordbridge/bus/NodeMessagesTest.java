package dev.discordbridge.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class NodeMessagesTest {

  @Test
  void clusterStatusCrossesTheWireAndKeepsTheHealthBody() {
    var codec = new RecordCodec<>(ClusterStatus.class);
    var status = new ClusterStatus(true, 3, 2, true, true);
    Buffer wire = Buffer.buffer();
    codec.encodeToWire(wire, status);
    assertEquals(status, codec.decodeFromWire(0, wire));
    assertEquals(new JsonObject("{\"clustered\":true,\"members\":3,\"quorum\":2,\"ok\":true,\"safe\":true}"), status.toJson());
    assertEquals("{\"clustered\":true,\"members\":3,\"quorum\":2,\"ok\":true,\"safe\":true}", status.toJson().encode());
    assertThrows(IllegalArgumentException.class, () -> new ClusterStatus(true, -1, 1, false, false));
  }

  @Test
  void nodeShutdownCrossesTheWireAndNeedsANode() {
    var codec = new RecordCodec<>(NodeShutdown.class);
    var shutdown = new NodeShutdown("node-1", 10_000);
    Buffer wire = Buffer.buffer();
    codec.encodeToWire(wire, shutdown);
    assertEquals(shutdown, codec.decodeFromWire(0, wire));
    assertThrows(IllegalArgumentException.class, () -> new NodeShutdown(" ", 0));
    assertThrows(IllegalArgumentException.class, () -> new NodeShutdown("n", -1));
  }
}
