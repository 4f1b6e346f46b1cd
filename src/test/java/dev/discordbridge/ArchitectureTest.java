package dev.discordbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the invariants docs/architecture.md states honest (its section "House rules"). Each test
 * fails when the code stops doing what the document says, so that one of the two is changed.
 */
class ArchitectureTest {
  static final Path DOC = Path.of("docs/architecture.md");
  /** The capabilities: a package and its subpackages. */
  static final Set<String> CAPABILITIES = Set.of("link", "discord", "edge", "command", "ratelimit", "legacy", "sim");
  /** The one dependency between capabilities: direct mode implements the link's {@code Upstream}. */
  static final Set<String> ALLOWED = Set.of("discord -> link");

  @Test
  void capabilitiesMeetOnlyOnTheBusExceptDiscordImplementingTheLinksUpstream() {
    Set<String> found = new TreeSet<>();
    HouseRulesTest.packageEdges().forEach((from, tos) -> tos.forEach(to -> {
      String a = capability(from);
      String b = capability(to);
      if (a != null && b != null && !a.equals(b)) {
        found.add(a + " -> " + b);
      }
    }));
    assertEquals(ALLOWED, found, "dependencies between capability packages (jdeps on target/classes)");
  }

  @Test
  void onlyTheEdgeAndTheDemoHubServeHttp() throws IOException {
    Map<String, String> servers = new TreeMap<>();
    sources().forEach((file, text) -> {
      if (text.contains("import io.vertx.ext.web.Router;") || text.contains("import io.vertx.ext.web.RoutingContext;")
          || text.contains("import io.vertx.core.http.HttpServer;")) {
        String pkg = packageOf(file);
        if (!pkg.equals("edge") && !pkg.equals("sim")) {
          servers.put(file.toString(), pkg);
        }
      }
    });
    assertEquals(Map.of(), servers, "HTTP servers or routes outside edge/ (and sim/, the demo hub)");
  }

  /** A bus consumer or request typed as a bare JsonObject, or a JsonObject sent to an address. */
  static final Pattern BARE_JSON = Pattern.compile(
      "<JsonObject>(consumer|localConsumer|request)\\(|(publish|send|request)\\(Addresses\\.[A-Z_]+, *new JsonObject");

  @Test
  void noBareJsonObjectTravelsOnTheBus() throws IOException {
    Set<String> found = new TreeSet<>();
    sources().forEach((file, text) -> {
      if (BARE_JSON.matcher(text).find()) {
        found.add(file.toString());
      }
    });
    assertEquals(Set.of(), found, "bus messages that are a bare JsonObject instead of a bus record");
  }

  @Test
  void everyContextHopIsNamedInTheArchitecture() throws IOException {
    String doc = Files.readString(DOC);
    Set<String> unnamed = new TreeSet<>();
    sources().forEach((file, text) -> {
      String cls = file.getFileName().toString().replace(".java", "");
      if (text.contains(".runOnContext(") && !doc.contains("`" + cls + "`")) {
        unnamed.add(cls);
      }
    });
    assertEquals(Set.of(), unnamed, "classes that hop contexts (runOnContext) but docs/architecture.md does not name");
  }

  @Test
  void theNodeWideObjectsAreTheOnesTheArchitectureNames() throws IOException {
    String holder = Files.readString(Path.of("src/main/java/dev/discordbridge/edge/EdgeVerticle.java"));
    String doc = Files.readString(DOC);
    for (String shared : List.of("ConnectionGuard", "UserStreams", "FailureThrottle", "SummaryLog")) {
      assertTrue(holder.contains("private " + shared) || holder.contains("." + shared + " "), shared + " in PortHolder");
      assertTrue(doc.contains("`" + shared + "`"), shared + " named in docs/architecture.md");
    }
  }

  private static String capability(String pkg) {
    if (!pkg.startsWith(HouseRulesTest.ROOT + ".")) {
      return null;
    }
    String first = pkg.substring(HouseRulesTest.ROOT.length() + 1).split("\\.")[0];
    return CAPABILITIES.contains(first) ? first : null;
  }

  private static String packageOf(Path file) {
    return HouseRulesTest.SOURCES.resolve("dev/discordbridge").relativize(file.getParent()).toString().split("/")[0];
  }

  private static Map<Path, String> sources() throws IOException {
    Map<Path, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(HouseRulesTest.SOURCES)) {
      files.filter(p -> p.toString().endsWith(".java")).forEach(p -> {
        try {
          out.put(p, Files.readString(p));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
    return out;
  }
}
