package dev.discordbridge.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and resident memory of a process, read from Linux's /proc. */
public final class ProcStats {
  private ProcStats() {}

  private static final long CLOCK_TICKS = clockTicks();

  /** utime + stime of {@code pid} in microseconds (resolution: one clock tick, usually 10 ms). */
  public static long cpuMicros(long pid) {
    String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
    // The command name (field 2) is in parentheses and may hold spaces: split after the last ')'.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    // f[0] is field 3 (state); utime and stime are fields 14 and 15.
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    return ticks * 1_000_000L / CLOCK_TICKS;
  }

  /**
   * CPU time of this process's threads whose name starts with {@code prefix}, split into user and
   * kernel time, with their voluntary context switches (each one a sleep and a wake-up), and the
   * CPU time of all its other threads. Same clock-tick resolution as {@link #cpuMicros}.
   */
  record ThreadsCpu(long userMicros, long kernelMicros, long wakeUps, long otherMicros) {
    ThreadsCpu minus(ThreadsCpu o) {
      return new ThreadsCpu(userMicros - o.userMicros, kernelMicros - o.kernelMicros, wakeUps - o.wakeUps,
          otherMicros - o.otherMicros);
    }
  }

  /** {@link ThreadsCpu} of this process now, from /proc/self/task; threads that end meanwhile are skipped. */
  static ThreadsCpu threads(String prefix) {
    long user = 0;
    long kernel = 0;
    long wakeUps = 0;
    long other = 0;
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        String stat;
        String status;
        try {
          stat = Files.readString(t.resolve("stat"));
          status = Files.readString(t.resolve("status"));
        } catch (IOException e) {
          continue;
        }
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        long u = Long.parseLong(f[11]) * 1_000_000L / CLOCK_TICKS;
        long k = Long.parseLong(f[12]) * 1_000_000L / CLOCK_TICKS;
        if (name.startsWith(prefix)) {
          user += u;
          kernel += k;
          for (String line : status.split("\n")) {
            if (line.startsWith("voluntary_ctxt_switches:")) {
              wakeUps += Long.parseLong(line.substring(24).trim());
            }
          }
        } else {
          other += u + k;
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc/self/task: " + e.getMessage(), e);
    }
    return new ThreadsCpu(user, kernel, wakeUps, other);
  }

  /** VmRSS of {@code pid} in KiB. */
  public static long rssKb(long pid) {
    for (String line : read(Path.of("/proc", Long.toString(pid), "status")).split("\n")) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/" + pid + "/status");
  }

  static long clockTicksPerSecond() {
    return CLOCK_TICKS;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + p + " (process gone?): " + e.getMessage(), e);
    }
  }

  private static long clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor();
      return Long.parseLong(out);
    } catch (IOException | NumberFormatException e) {
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }
}
