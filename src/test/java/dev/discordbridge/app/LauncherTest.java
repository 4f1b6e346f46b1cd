package dev.discordbridge.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * bin/bridge, the README's way to run the bridge: the JVM options it gives on a small node, how
 * they are turned off or added to, and its errors. It runs a stand-in jar whose main prints the
 * options the JVM took and the collectors it runs.
 */
class LauncherTest {
  private static final Path LAUNCHER = Path.of("bin", "bridge");

  private record Run(int exit, String output) {}

  /** The stand-in's main: what the launched JVM was given and which collectors it chose. */
  public static final class PrintJvm {
    public static void main(String[] args) {
      System.out.println(String.join("\n", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()));
      java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().forEach(gc -> System.out.println("gc=" + gc.getName()));
    }
  }

  private static Path standIn;

  private static synchronized Path standIn() throws IOException {
    if (standIn == null) {
      Path jar = Files.createTempFile("launcher-stand-in", ".jar");
      var manifest = new java.util.jar.Manifest();
      manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
      manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MAIN_CLASS, PrintJvm.class.getName());
      manifest.getMainAttributes().put(java.util.jar.Attributes.Name.CLASS_PATH,
          Path.of("target", "test-classes").toAbsolutePath().toUri().toString());
      try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar), manifest)) {
        out.flush();
      }
      jar.toFile().deleteOnExit();
      standIn = jar;
    }
    return standIn;
  }

  private static Run run(Map<String, String> env, String... prefix) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(prefix));
    cmd.add(LAUNCHER.toString());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("BRIDGE_JAR", standIn().toString());
    pb.environment().remove("BRIDGE_JAVA_OPTS");
    pb.environment().remove("BRIDGE_JVM_DEFAULTS");
    pb.environment().putAll(env);
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bin/bridge did not end");
    return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void isExecutable() {
    assertTrue(Files.isExecutable(LAUNCHER), "bin/bridge must keep its executable bit (git update-index --chmod=+x)");
  }

  @Test
  void aSmallNodeGetsC1TheSerialCollectorAndASmallYoungGeneration() throws Exception {
    Run r = run(Map.of("BRIDGE_JVM_DEFAULTS", "small"));
    assertEquals(0, r.exit(), r.output());
    assertTrue(r.output().contains("-XX:TieredStopAtLevel=1"), r.output());
    assertTrue(r.output().contains("-Xmn32m"), r.output());
    assertTrue(r.output().contains("gc=Copy") && r.output().contains("gc=MarkSweepCompact"), "the serial collector: " + r.output());
  }

  @Test
  void oneCoreIsASmallNodeWithoutBeingAsked() throws Exception {
    if (!Files.isExecutable(Path.of("/usr/bin/taskset"))) {
      return; // util-linux is on every machine this runs on; nothing to pin without it
    }
    Run r = run(Map.of(), "taskset", "-c", "0");
    assertEquals(0, r.exit(), r.output());
    assertTrue(r.output().contains("-XX:TieredStopAtLevel=1"), r.output());
  }

  @Test
  void noneGivesTheJvmsOwnDefaultsAndLaterOptionsWin() throws Exception {
    Run none = run(Map.of("BRIDGE_JVM_DEFAULTS", "none"));
    assertEquals(0, none.exit(), none.output());
    assertFalse(none.output().contains("-XX:TieredStopAtLevel=1"), none.output());

    Run overridden = run(Map.of("BRIDGE_JVM_DEFAULTS", "small", "BRIDGE_JAVA_OPTS", "-XX:TieredStopAtLevel=4 -Xmx256m"));
    assertEquals(0, overridden.exit(), overridden.output());
    String out = overridden.output();
    assertTrue(out.indexOf("-XX:TieredStopAtLevel=4") > out.indexOf("-XX:TieredStopAtLevel=1"), "added after the defaults: " + out);
    assertTrue(out.contains("-Xmx256m"), out);
  }

  @Test
  void badInputGetsAClearError() throws Exception {
    Run bogus = run(Map.of("BRIDGE_JVM_DEFAULTS", "tiny"));
    assertEquals(2, bogus.exit());
    assertTrue(bogus.output().contains("BRIDGE_JVM_DEFAULTS must be auto, small or none, got \"tiny\""), bogus.output());

    Run noJar = run(Map.of("BRIDGE_JAR", "target/no-such.jar"));
    assertEquals(1, noJar.exit());
    assertTrue(noJar.output().contains("target/no-such.jar not found; build it first: mvn -B -q package -DskipTests"),
        noJar.output());
  }
}
