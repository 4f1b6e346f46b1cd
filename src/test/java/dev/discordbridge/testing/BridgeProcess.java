package dev.discordbridge.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A bridge node in its own JVM, started from {@code target/bridge.jar} (system property
 * {@code bridge.jar}), configured by environment. Its output goes to a log file under
 * target/it-logs and is watched line by line, so a test can await a log line instead of sleeping.
 */
public final class BridgeProcess implements AutoCloseable {
  private static final List<String> JVM_FLAGS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
      "--add-modules", "java.se", "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens", "java.management/sun.management=ALL-UNNAMED",
      "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED", "-Dvertx.disableDnsResolver=true");

  private final String name;
  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final List<Waiter> waiters = new CopyOnWriteArrayList<>();
  private final int httpPort;
  private final Thread reader;

  private record Waiter(Predicate<String> match, CompletableFuture<String> found) {}

  private BridgeProcess(String name, Process process, int httpPort, Path log) throws IOException {
    this.name = name;
    this.process = process;
    this.httpPort = httpPort;
    var out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true);
    this.reader = new Thread(() -> {
      try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          out.println(line);
          lines.add(line);
          for (Waiter w : waiters) {
            if (w.match.test(line)) {
              w.found.complete(line);
              waiters.remove(w);
            }
          }
        }
      } catch (IOException ignored) {
        // the process ended
      } finally {
        out.close();
        waiters.forEach(w -> w.found.completeExceptionally(new IllegalStateException(name + " exited")));
      }
    }, name + "-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts a node with {@code env} (HTTP_PORT is set from {@code httpPort}) and extra arguments. */
  public static BridgeProcess start(String name, int httpPort, Map<String, String> env, String... args) throws IOException {
    String jar = System.getProperty("bridge.jar", "target/bridge.jar");
    if (!Files.exists(Path.of(jar))) {
      throw new IllegalStateException("build the jar first (mvn package): " + jar);
    }
    Path logs = Path.of("target", "it-logs");
    Files.createDirectories(logs);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_FLAGS);
    command.add("-jar");
    command.add(jar);
    command.addAll(List.of(args));
    var builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    builder.environment().put("HTTP_PORT", String.valueOf(httpPort));
    builder.environment().put("NODE_ID", name);
    builder.environment().putIfAbsent("LOG_FORMAT", "text");
    return new BridgeProcess(name, builder.start(), httpPort, logs.resolve(name + ".log"));
  }

  public String name() { return name; }

  public int httpPort() { return httpPort; }

  public long pid() { return process.pid(); }

  public boolean alive() { return process.isAlive(); }

  public List<String> lines() { return List.copyOf(lines); }

  /** Completes with the first line (already printed or still to come) that contains {@code text}. */
  public CompletableFuture<String> awaitLine(String text) {
    var found = new CompletableFuture<String>();
    waiters.add(new Waiter(l -> l.contains(text), found));
    lines.stream().filter(l -> l.contains(text)).findFirst().ifPresent(found::complete);
    if (!process.isAlive() && !found.isDone()) {
      found.completeExceptionally(new IllegalStateException(name + " exited"));
    }
    return found;
  }

  /** Sends SIGTERM and returns at once (the JVM runs its shutdown hook); see {@link #terminate}. */
  public void signalTerm() {
    process.toHandle().destroy();
  }

  /**
   * SIGTERM (the JVM runs its shutdown hook); true when the process exited within {@code timeoutMs}.
   * Once it exited, its last output lines are read before this returns. (Not {@link Process#destroy}:
   * it sends the same signal but closes our end of the output pipe, losing what the shutdown logs.)
   */
  public boolean terminate(long timeoutMs) throws InterruptedException {
    process.toHandle().destroy();
    boolean exited = process.waitFor(timeoutMs, TimeUnit.MILLISECONDS);
    if (exited) {
      reader.join(5_000);
    }
    return exited;
  }

  /** kill -9: no shutdown hook runs, sockets are left for the peers to notice. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive() && !terminate(10_000)) {
      kill();
    }
  }

  public static int freePort() {
    try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
