package dev.discordbridge.edge;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The OpenAPI description ({@code docs/openapi.yaml}, on the class path as {@code openapi/openapi.yaml})
 * as the JSON served at {@code /api/openapi.json}. The YAML refers to the command schemas by file
 * ({@code ../src/main/resources/schemas/<name>.json}) so that the two can never disagree; here each
 * such reference becomes {@code #/components/schemas/<name>} and the schema itself (the class-path
 * copy the bridge validates with, its references rebased) is put there, so the served document
 * stands alone.
 */
public final class OpenApiDocument {
  public static final String RESOURCE = "openapi/openapi.yaml";
  private static final Pattern SCHEMA_FILE = Pattern.compile("(?:.*/)?schemas/([A-Za-z]+)\\.json$");

  /** The served answer, bundled once per process (the document is a resource of the jar: it never changes). */
  private static volatile String served;

  private OpenApiDocument() {}

  /** {@link #load()} encoded as the body of {@code GET /api/openapi.json}, built once for every router instance. */
  static String served() {
    String s = served;
    if (s == null) {
      s = load().encode() + "\n";
      served = s;
    }
    return s;
  }

  /** Reads and bundles the description; throws when it is missing or not valid YAML (a build error). */
  public static JsonObject load() {
    JsonObject doc = new JsonObject(parseYaml(read(RESOURCE)));
    var referenced = new java.util.TreeMap<String, JsonObject>();
    bundle(doc, referenced);
    JsonObject components = doc.getJsonObject("components");
    if (components == null) {
      components = new JsonObject();
      doc.put("components", components);
    }
    JsonObject schemas = components.getJsonObject("schemas");
    if (schemas == null) {
      schemas = new JsonObject();
      components.put("schemas", schemas);
    }
    referenced.forEach(schemas::put);
    return doc;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> parseYaml(String text) {
    var options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    Object root = new Yaml(new SafeConstructor(options)).load(text);
    if (!(root instanceof Map)) {
      throw new IllegalStateException(RESOURCE + " is not a YAML mapping");
    }
    return (Map<String, Object>) normalize(root);
  }

  /** YAML aliases share objects and keys may be numbers ("200"): JSON wants fresh maps with string keys. */
  private static Object normalize(Object value) {
    if (value instanceof Map<?, ?> map) {
      var copy = new java.util.LinkedHashMap<String, Object>();
      map.forEach((k, v) -> copy.put(String.valueOf(k), normalize(v)));
      return copy;
    }
    if (value instanceof List<?> list) {
      return list.stream().map(OpenApiDocument::normalize).collect(java.util.stream.Collectors.toList());
    }
    return value;
  }

  private static void bundle(Object node, Map<String, JsonObject> schemas) {
    if (node instanceof JsonObject o) {
      if (o.getValue("$ref") instanceof String ref) {
        Matcher m = SCHEMA_FILE.matcher(ref);
        if (m.matches()) {
          String name = m.group(1);
          schemas.computeIfAbsent(name, n -> embedded(n, new JsonObject(read("schemas/" + n + ".json"))));
          o.put("$ref", "#/components/schemas/" + name);
        }
      }
      for (String key : o.fieldNames()) {
        bundle(o.getValue(key), schemas);
      }
    } else if (node instanceof JsonArray a) {
      for (Object item : a) {
        bundle(item, schemas);
      }
    }
  }

  /**
   * A command schema as placed under {@code components/schemas/<name>}: the same keywords, its
   * own references ({@code #/$defs/...}) made absolute within the document, and without {@code $id}
   * and {@code $schema}, which many OpenAPI tools do not honour inside a document.
   */
  static JsonObject embedded(String name, JsonObject schema) {
    JsonObject copy = schema.copy();
    copy.remove("$id");
    copy.remove("$schema");
    rebase(copy, "#/components/schemas/" + name + "/");
    return copy;
  }

  private static void rebase(Object node, String prefix) {
    if (node instanceof JsonObject o) {
      if (o.getValue("$ref") instanceof String ref && ref.startsWith("#/")) {
        o.put("$ref", prefix + ref.substring(2));
      }
      for (String key : o.fieldNames()) {
        rebase(o.getValue(key), prefix);
      }
    } else if (node instanceof JsonArray a) {
      for (Object item : a) {
        rebase(item, prefix);
      }
    }
  }

  private static String read(String resource) {
    try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing class-path resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
