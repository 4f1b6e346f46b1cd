package dev.discordbridge.ops;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.discordbridge.config.Role;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * One JSON object per log line: {@code ts, level, node, role, logger, msg, traceId} plus the rest
 * of the MDC and, for failures, the error. The role is the capability the logging class belongs
 * to (its package), the node the {@code node} property of the logger context.
 */
public final class JsonLogEncoder extends EncoderBase<ILoggingEvent> {
  private static final JsonFactory JSON = new JsonFactory();
  private static final byte[] NONE = new byte[0];

  @Override
  public byte[] headerBytes() {
    return NONE;
  }

  @Override
  public byte[] footerBytes() {
    return NONE;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    var out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("ts", Instant.ofEpochMilli(event.getTimeStamp()).toString());
      g.writeStringField("level", event.getLevel().toString());
      String node = event.getLoggerContextVO() == null ? null : event.getLoggerContextVO().getPropertyMap().get("node");
      if (node != null) {
        g.writeStringField("node", node);
      }
      g.writeStringField("role", role(event.getLoggerName()));
      g.writeStringField("logger", event.getLoggerName());
      g.writeStringField("thread", event.getThreadName());
      g.writeStringField("msg", event.getFormattedMessage());
      Map<String, String> mdc = event.getMDCPropertyMap();
      if (mdc != null) {
        for (var e : mdc.entrySet()) {
          g.writeStringField(e.getKey(), e.getValue());
        }
      }
      IThrowableProxy error = event.getThrowableProxy();
      if (error != null) {
        g.writeStringField("error", error.getClassName() + ": " + error.getMessage());
        g.writeStringField("stack", ThrowableProxyUtil.asString(error));
      }
      g.writeEndObject();
    } catch (IOException e) {
      return ("{\"level\":\"ERROR\",\"msg\":\"log encoding failed\"}\n").getBytes(StandardCharsets.UTF_8);
    }
    out.write('\n');
    return out.toByteArray();
  }

  /** The role of a logger, from the capability package of its class. */
  public static String role(String loggerName) {
    if (loggerName == null || !loggerName.startsWith("dev.discordbridge.")) {
      return "lib";
    }
    String rest = loggerName.substring("dev.discordbridge.".length());
    int dot = rest.indexOf('.');
    String pkg = dot < 0 ? rest : rest.substring(0, dot);
    Role role = Role.ofPackage(pkg);
    if (role != null) {
      return role.id();
    }
    return "sim".equals(pkg) ? "sim-hub" : pkg;
  }
}
