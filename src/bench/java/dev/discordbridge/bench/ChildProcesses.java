package dev.discordbridge.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The server processes this benchmark started. Each is ended by its own handle (TERM, then KILL
 * after a grace period), on a normal stop and from a shutdown hook; their ids are also written to
 * a file so that bench/run.sh can end them should this JVM itself be killed.
 */
public final class ChildProcesses {
  private static final List<ProcessHandle> started = new ArrayList<>();
  private static Path pidFile;

  private ChildProcesses() {}

  public static synchronized void install(Path file) {
    pidFile = file;
    write();
    Runtime.getRuntime().addShutdownHook(new Thread(ChildProcesses::stopAll, "bench-cleanup"));
  }

  public static synchronized void add(Process p) {
    started.add(p.toHandle());
    write();
  }

  /** Ends {@code p} and its descendants: TERM, then KILL after {@code graceSeconds}. */
  public static void stop(Process p, int graceSeconds) {
    ProcessHandle h = p.toHandle();
    List<ProcessHandle> children = h.descendants().toList();
    h.destroy();
    try {
      if (!p.waitFor(graceSeconds, TimeUnit.SECONDS)) {
        h.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      h.destroyForcibly();
    }
    for (ProcessHandle c : children) {
      if (c.isAlive()) {
        c.destroyForcibly();
      }
    }
    synchronized (ChildProcesses.class) {
      started.remove(h);
      write();
    }
  }

  public static synchronized void stopAll() {
    for (ProcessHandle h : List.copyOf(started)) {
      List<ProcessHandle> children = h.descendants().toList();
      h.destroy();
      try {
        h.onExit().get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        h.destroyForcibly();
      }
      children.forEach(c -> {
        if (c.isAlive()) {
          c.destroyForcibly();
        }
      });
    }
    started.clear();
    write();
  }

  private static void write() {
    if (pidFile == null) {
      return;
    }
    var sb = new StringBuilder();
    for (ProcessHandle h : started) {
      sb.append(h.pid()).append('\n');
      h.descendants().forEach(c -> sb.append(c.pid()).append('\n'));
    }
    try {
      Files.writeString(pidFile, sb);
    } catch (IOException e) {
      // Cleanup by run.sh is a fallback only.
    }
  }

  static synchronized void refresh() {
    write();
  }
}
