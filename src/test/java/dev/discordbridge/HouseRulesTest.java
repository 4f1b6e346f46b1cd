package dev.discordbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The floor plan's rules, checked on every build (docs/architecture.md, "House rules"): no package
 * cycle between the project's packages (read by {@code jdeps} from the compiled classes), no class
 * over 450 lines, no package (its subpackages counted apart) over 20% of the lines of src/main.
 */
class HouseRulesTest {
  static final Path SOURCES = Path.of("src/main/java");
  static final Path CLASSES = Path.of("target/classes");
  static final String ROOT = "dev.discordbridge";
  static final int MAX_CLASS_LINES = 450;
  static final double MAX_PACKAGE_SHARE = 0.20;

  @Test
  void noPackageCycle() throws IOException {
    Map<String, Set<String>> edges = packageEdges();
    assertTrue(edges.size() > 10, "jdeps read the project's packages: " + edges.keySet());
    List<List<String>> cycles = stronglyConnected(edges).stream().filter(c -> c.size() > 1).toList();
    assertEquals(List.of(), cycles, "packages that depend on each other (jdeps -verbose:package target/classes)");
  }

  @Test
  void noClassOver450Lines() throws IOException {
    Map<String, Integer> big = new TreeMap<>();
    lines().forEach((file, n) -> {
      if (n > MAX_CLASS_LINES) {
        big.put(file.toString(), n);
      }
    });
    assertEquals(Map.of(), big, "classes over " + MAX_CLASS_LINES + " lines");
  }

  @Test
  void noPackageOverAFifthOfTheCode() throws IOException {
    Map<String, Integer> perPackage = new TreeMap<>();
    Map<Path, Integer> lines = lines();
    int total = lines.values().stream().mapToInt(Integer::intValue).sum();
    lines.forEach((file, n) -> perPackage.merge(SOURCES.relativize(file.getParent()).toString(), n, Integer::sum));
    Map<String, String> over = new TreeMap<>();
    perPackage.forEach((pkg, n) -> {
      if (n > total * MAX_PACKAGE_SHARE) {
        over.put(pkg, n + " of " + total + " lines");
      }
    });
    assertEquals(Map.of(), over, "packages over " + (int) (MAX_PACKAGE_SHARE * 100) + "% of src/main");
  }

  static Map<Path, Integer> lines() throws IOException {
    Map<Path, Integer> out = new HashMap<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        out.put(f, Files.readAllLines(f, StandardCharsets.UTF_8).size());
      }
    }
    assertTrue(out.size() > 50, "read the sources under " + SOURCES.toAbsolutePath());
    return out;
  }

  /** Package -> packages of the project it uses, as jdeps reads them from target/classes. */
  static Map<String, Set<String>> packageEdges() {
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError("no jdeps in this JDK"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc = jdeps.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        "-verbose:package", "-filter:none", "-include", ROOT.replace(".", "\\.") + "\\..*", CLASSES.toString());
    assertEquals(0, rc, "jdeps failed: " + err.toString(StandardCharsets.UTF_8));
    Map<String, Set<String>> edges = new TreeMap<>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 3 && "->".equals(f[1]) && f[0].startsWith(ROOT) && f[2].startsWith(ROOT) && !f[0].equals(f[2])) {
        edges.computeIfAbsent(f[0], k -> new TreeSet<>()).add(f[2]);
      }
    }
    return edges;
  }

  /** Tarjan's strongly connected components. */
  static List<List<String>> stronglyConnected(Map<String, Set<String>> edges) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new TreeSet<>();
    List<List<String>> out = new ArrayList<>();
    int[] counter = {0};
    for (String v : edges.keySet()) {
      if (!index.containsKey(v)) {
        connect(v, edges, index, low, stack, onStack, out, counter);
      }
    }
    return out;
  }

  private static void connect(String v, Map<String, Set<String>> edges, Map<String, Integer> index, Map<String, Integer> low,
                              Deque<String> stack, Set<String> onStack, List<List<String>> out, int[] counter) {
    index.put(v, counter[0]);
    low.put(v, counter[0]++);
    stack.push(v);
    onStack.add(v);
    for (String w : edges.getOrDefault(v, Set.of())) {
      if (!index.containsKey(w)) {
        connect(w, edges, index, low, stack, onStack, out, counter);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      List<String> component = new ArrayList<>();
      String w;
      do {
        w = stack.pop();
        onStack.remove(w);
        component.add(w);
      } while (!w.equals(v));
      out.add(component);
    }
  }
}
