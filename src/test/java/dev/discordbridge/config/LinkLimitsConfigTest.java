package dev.discordbridge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** LINK_MAX_FRAME_BYTES and LINK_MAX_FAILED_RESUMES: defaults in conf/, errors that name the variable. */
class LinkLimitsConfigTest {

  private static String error(JsonObject raw) {
    return assertThrows(ConfigException.class, () -> BridgeConfig.parse(raw)).getMessage();
  }

  @Test
  void defaultsAreSixteenMebibytesAndThreeResumes() throws Exception {
    BridgeConfig.Link link = BridgeConfig.parse(new JsonObject()).link();
    assertEquals(16 * 1024 * 1024, link.maxFrameBytes());
    assertEquals(3, link.maxFailedResumes());
    JsonObject conf = new JsonObject(Files.readString(Path.of("conf/bridge.json")));
    assertEquals(link.maxFrameBytes(), conf.getInteger("LINK_MAX_FRAME_BYTES"));
    assertEquals(link.maxFailedResumes(), conf.getInteger("LINK_MAX_FAILED_RESUMES"));
  }

  @Test
  void badValuesNameTheVariable() {
    assertEquals("LINK_MAX_FRAME_BYTES must be from 65536 to 268435456, got 1024",
        error(new JsonObject().put("LINK_MAX_FRAME_BYTES", "1024")));
    assertEquals("LINK_MAX_FAILED_RESUMES must be from 1 to 100, got 0",
        error(new JsonObject().put("LINK_MAX_FAILED_RESUMES", "0")));
    assertEquals("LINK_MAX_FAILED_RESUMES must be a whole number from 1 to 100, got \"many\"",
        error(new JsonObject().put("LINK_MAX_FAILED_RESUMES", "many")));
  }

  @Test
  void theyAreRead() {
    BridgeConfig.Link link = BridgeConfig.parse(new JsonObject().put("LINK_MAX_FRAME_BYTES", "1048576")
        .put("LINK_MAX_FAILED_RESUMES", "5")).link();
    assertEquals(1_048_576, link.maxFrameBytes());
    assertEquals(5, link.maxFailedResumes());
  }
}
