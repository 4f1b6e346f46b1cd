package dev.discordbridge.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Keeps docs/architecture.md's rule honest: every bus address is a constant of {@link Addresses}, defined once. */
class AddressesTest {
  /** An event-bus call whose address is a string literal. */
  private static final Pattern LITERAL_ADDRESS =
      Pattern.compile("\\.(consumer|localConsumer|request|publish|send)\\(\\s*\"");

  @Test
  void everyAddressIsDistinctAndNamespaced() throws IllegalAccessException {
    List<String> values = addresses();
    assertTrue(values.size() > 20, "Addresses has its constants: " + values);
    values.forEach(v -> assertTrue(v.startsWith("bridge."), v));
    assertEquals(values.size(), new HashSet<>(values).size(), "an address is defined twice: " + values);
  }

  @Test
  void noAddressIsWrittenOutsideAddresses() throws IOException, IllegalAccessException {
    Set<String> values = new HashSet<>(addresses());
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      files.filter(p -> p.toString().endsWith(".java") && !p.endsWith("bus/Addresses.java")).forEach(p -> {
        // Hazelcast structures are named in their own namespace: a map may share an address's spelling.
        boolean hazelcastNames = p.getFileName().toString().startsWith("Hazelcast")
            || p.getFileName().toString().equals("ClusterSetup.java");
        List<String> lines = read(p);
        for (int i = 0; i < lines.size(); i++) {
          String line = lines.get(i);
          if (LITERAL_ADDRESS.matcher(line).find()) {
            found.add(p + ":" + (i + 1) + " bus call with a literal address: " + line.trim());
          }
          for (String v : values) {
            // A meter name may share an address's spelling (ops.Metrics matches them by prefix).
            if (!hazelcastNames && line.replace("startsWith(\"" + v + '"', "").contains('"' + v + '"')) {
              found.add(p + ":" + (i + 1) + " repeats " + v);
            }
          }
        }
      });
    }
    assertTrue(found.isEmpty(), String.join("\n", found));
  }

  private static List<String> addresses() throws IllegalAccessException {
    List<String> values = new ArrayList<>();
    for (Field f : Addresses.class.getDeclaredFields()) {
      int m = f.getModifiers();
      if (Modifier.isStatic(m) && Modifier.isFinal(m) && f.getType() == String.class && !f.getName().endsWith("HEADER")) {
        values.add((String) f.get(null));
      }
    }
    return values;
  }

  private static List<String> read(Path p) {
    try {
      return Files.readAllLines(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
