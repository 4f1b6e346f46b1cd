package dev.discordbridge.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.config.ConfigException;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.transport.Transport;
import org.junit.jupiter.api.Test;

/** NETWORK_TRANSPORT: parsed and checked once, NIO by default and as the fallback, the native ones really used. */
class NetworkTransportTest {

  @Test
  void nioIsTheDefaultAndABadNameIsRefusedByName() {
    assertEquals("nio", BridgeConfig.parse(new JsonObject()).node().transport());
    assertEquals("io_uring", BridgeConfig.parse(new JsonObject().put("NETWORK_TRANSPORT", "IO_URING")).node().transport());
    var e = assertThrows(ConfigException.class, () -> BridgeConfig.parse(new JsonObject().put("NETWORK_TRANSPORT", "dpdk")));
    assertEquals("NETWORK_TRANSPORT must be nio, epoll, io_uring or auto, got \"dpdk\"", e.getMessage());
  }

  @Test
  void eachNameSelectsItsTransportOrFallsBackToNio() {
    assertSame(Transport.NIO, Node.transport("nio"));
    assertSame(Transport.EPOLL.available() ? Transport.EPOLL : Transport.NIO, Node.transport("epoll"));
    assertSame(Transport.EPOLL.available() ? Transport.EPOLL : Transport.NIO, Node.transport("auto"));
    assertSame(Transport.IO_URING.available() ? Transport.IO_URING : Transport.NIO, Node.transport("io_uring"));
  }

  @Test
  void onLinuxX86TheShippedEpollTransportLoadsAndRunsVertx() {
    if (!System.getProperty("os.name").toLowerCase().contains("linux") || !"amd64".equals(System.getProperty("os.arch"))) {
      return; // the jar ships the linux-x86_64 libraries only
    }
    assertTrue(Transport.EPOLL.available(), "epoll should load from the jar: " + Transport.EPOLL.unavailabilityCause());
    Vertx vertx = Vertx.builder().withTransport(Node.transport("epoll")).build();
    try {
      assertTrue(((VertxInternal) vertx).transport().getClass().getName().toLowerCase().contains("epoll"),
          ((VertxInternal) vertx).transport().getClass().getName());
    } finally {
      vertx.close().await();
    }
  }
}
