package dev.discordbridge.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON log line of the packaged logback.xml: the fields docs/operations.md lists, in that order. */
class JsonLogLinesTest {

  private static JsonObject line(LoggerContext ctx, ILoggingEvent event) {
    @SuppressWarnings("unchecked")
    var appender = (OutputStreamAppender<ILoggingEvent>) ctx.getLogger("ROOT").getAppender("json");
    String text = new String(appender.getEncoder().encode(event), StandardCharsets.UTF_8);
    assertTrue(text.endsWith("\n") && text.indexOf('\n') == text.length() - 1, "one line: " + text);
    return new JsonObject(text);
  }

  private static LoggerContext configured() throws Exception {
    var ctx = new LoggerContext();
    ctx.putProperty("node", "node-1");
    var configurator = new JoranConfigurator();
    configurator.setContext(ctx);
    configurator.doConfigure(JsonLogLinesTest.class.getResource("/logback.xml"));
    return ctx;
  }

  private static LoggingEvent event(LoggerContext ctx, String logger, Throwable error, Map<String, String> mdc) {
    var e = new LoggingEvent("x", ctx.getLogger(logger), Level.WARN, "sent {} of {}", error, new Object[] {1, 2});
    e.setThreadName("vert.x-eventloop-thread-1");
    e.setMDCPropertyMap(mdc);
    return e;
  }

  @Test
  void aLineHasTheDocumentedFieldsInOrder() throws Exception {
    var ctx = configured();
    JsonObject o = line(ctx, event(ctx, "dev.discordbridge.command.CommandQueue", null, Map.of("traceId", "ab12")));
    assertEquals(List.of("ts", "level", "node", "role", "logger", "thread", "msg", "traceId"), List.copyOf(o.fieldNames()));
    Instant.parse(o.getString("ts"));
    assertTrue(o.getString("ts").endsWith("Z"));
    assertEquals("WARN", o.getString("level"));
    assertEquals("node-1", o.getString("node"));
    assertEquals("command-dispatcher", o.getString("role"));
    assertEquals("dev.discordbridge.command.CommandQueue", o.getString("logger"));
    assertEquals("vert.x-eventloop-thread-1", o.getString("thread"));
    assertEquals("sent 1 of 2", o.getString("msg"));
    assertEquals("ab12", o.getString("traceId"));
  }

  @Test
  void rolesComeFromThePackageAndLibrariesAreLib() throws Exception {
    var ctx = configured();
    assertEquals("sse-router", line(ctx, event(ctx, "dev.discordbridge.edge.sse.Fanout", null, Map.of())).getString("role"));
    assertEquals("sse-router", line(ctx, event(ctx, "dev.discordbridge.edge.CommandRoutes", null, Map.of())).getString("role"));
    assertEquals("gateway", line(ctx, event(ctx, "dev.discordbridge.link.hub.HubLink", null, Map.of())).getString("role"));
    assertEquals("sim-hub", line(ctx, event(ctx, "dev.discordbridge.sim.SimulatedHub", null, Map.of())).getString("role"));
    assertEquals("app", line(ctx, event(ctx, "dev.discordbridge.app.Node", null, Map.of())).getString("role"));
    assertEquals("lib", line(ctx, event(ctx, "io.vertx.core.Vertx", null, Map.of())).getString("role"));
  }

  @Test
  void aFailureAddsErrorAndStack() throws Exception {
    var ctx = configured();
    JsonObject o = line(ctx, event(ctx, "dev.discordbridge.app.Node", new IllegalStateException("boom \"quoted\""), Map.of()));
    assertEquals("java.lang.IllegalStateException: boom \"quoted\"", o.getString("error"));
    assertTrue(o.getString("stack").startsWith("java.lang.IllegalStateException: boom"), o.getString("stack"));
    assertTrue(o.getString("stack").contains("at dev.discordbridge.ops.JsonLogLinesTest"), o.getString("stack"));
    assertEquals("error", List.copyOf(o.fieldNames()).get(o.size() - 2));
  }

  @Test
  void aLineBeforeTheNodeIsKnownHasNoNode() throws Exception {
    var bare = new LoggerContext();
    var configurator = new JoranConfigurator();
    configurator.setContext(bare);
    configurator.doConfigure(JsonLogLinesTest.class.getResource("/logback.xml"));
    assertFalse(line(bare, event(bare, "dev.discordbridge.app.Main", null, Map.of())).containsKey("node"));
  }
}
