package dev.discordbridge.command;

import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.contract.Text;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.pointer.JsonPointer;
import io.vertx.core.json.pointer.JsonPointerIterator;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates a command body against its JSON Schema (Draft 2020-12, {@code schemas/<name>.json} on
 * the class path), then applies the few rules a schema cannot say (text cleaned with
 * {@link Text}, not only white space or invisible characters: {@link Text#isBlank}). Unknown
 * fields are refused ({@code additionalProperties: false}): a typo such as {@code conent} is an
 * error the caller should see, not a silent drop.
 *
 * <p>Schema errors become one readable message per field: a schema node's {@code x-message}
 * when it has one, else a sentence made from the failing keyword.
 */
public final class CommandSchemas {
  public static final Set<String> NAMES =
      Set.of(GatewayCommand.SEND_MESSAGE, GatewayCommand.ADD_REACTION, GatewayCommand.TYPING_START);

  private static final int MAX_CONTENT_CODE_POINTS = 2000;

  /** The data to forward upstream, or the field errors; exactly one is non-null. */
  public record Result(JsonObject data, List<FieldError> errors) {
    public boolean valid() {
      return errors == null;
    }
  }

  /**
   * {@code fast} answers only valid or not (output format Flag: no output units, about 40 % less
   * CPU than Basic, the biggest single cost of a command); {@code detailed} (Basic) runs only for
   * a body already found invalid, to say why.
   */
  private record Compiled(JsonObject raw, Validator fast, Validator detailed) {}

  private final Map<String, Compiled> schemas = new LinkedHashMap<>();

  /** Loads and compiles every schema; fails fast (at deployment) when one is missing or broken. */
  public CommandSchemas() {
    for (String name : NAMES) {
      JsonObject raw = load("schemas/" + name + ".json");
      var options = new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("https://discord-bridge.invalid/");
      schemas.put(name, new Compiled(raw,
          Validator.create(JsonSchema.of(raw), new JsonSchemaOptions(options).setOutputFormat(OutputFormat.Flag)),
          Validator.create(JsonSchema.of(raw), new JsonSchemaOptions(options).setOutputFormat(OutputFormat.Basic))));
    }
  }

  public boolean knows(String name) {
    return schemas.containsKey(name);
  }

  /** Validates {@code body} for command {@code name} (one of {@link #NAMES}). */
  public Result validate(String name, Object body) {
    Compiled schema = schemas.get(name);
    if (!(body instanceof JsonObject object)) {
      return new Result(null, List.of(new FieldError("body", "must be a JSON object")));
    }
    if (!Boolean.TRUE.equals(schema.fast().validate(object).getValid())) {
      OutputUnit out = schema.detailed().validate(object);
      // Both formats agree on validity; should they not, the detailed answer is the one to trust.
      if (!Boolean.TRUE.equals(out.getValid())) {
        return new Result(null, fieldErrors(schema.raw(), object, out));
      }
    }
    return semantic(name, object);
  }

  // ---- rules after the schema ----

  private static Result semantic(String name, JsonObject body) {
    JsonObject data = body.copy();
    data.remove("guildId");
    data.remove("channelId");
    List<FieldError> errors = new ArrayList<>();
    switch (name) {
      case GatewayCommand.SEND_MESSAGE -> {
        String content = Text.clean(data.getString("content"));
        if (Text.isBlank(content)) {
          errors.add(new FieldError("content", "must contain something other than white space"));
        } else if (Text.length(content) > MAX_CONTENT_CODE_POINTS) {
          errors.add(new FieldError("content", "must be at most " + MAX_CONTENT_CODE_POINTS + " characters"));
        }
        data.put("content", content);
      }
      case GatewayCommand.ADD_REACTION -> {
        JsonObject emoji = data.getJsonObject("emoji");
        String emojiName = Text.cleanName(emoji.getString("name"));
        if (Text.isBlank(emojiName)) {
          errors.add(new FieldError("emoji.name", "must not be empty or only white space"));
        }
        data.put("emoji", new JsonObject().put("name", emojiName).put("id", emoji.getString("id")));
      }
      default -> { }
    }
    return errors.isEmpty() ? new Result(data, null) : new Result(null, errors);
  }

  // ---- schema output -> field errors ----

  /**
   * One error per field from the validator's output units: the field is the unit's
   * {@code instanceLocation}; the schema node that failed is found at its (resolved)
   * {@code absoluteKeywordLocation}; a missing required field is the schema's {@code required}
   * name the instance lacks.
   */
  static List<FieldError> fieldErrors(JsonObject schema, JsonObject body, OutputUnit out) {
    List<OutputUnit> units = out.getErrors() == null || out.getErrors().isEmpty() ? List.of(out) : out.getErrors();
    Map<String, JsonPointer> propertiesOf = new LinkedHashMap<>();
    for (OutputUnit unit : units) {
      if ("properties".equals(keyword(unit))) {
        propertiesOf.putIfAbsent(unit.getInstanceLocation(), schemaPointer(unit));
      }
    }
    Map<String, String> byField = new LinkedHashMap<>();
    for (OutputUnit unit : units) {
      List<String> instance = tokens(instancePointer(unit.getInstanceLocation()));
      String field = String.join(".", instance);
      String keyword = keyword(unit);
      JsonPointer failed = schemaPointer(unit);
      JsonObject owner = failed == null || failed.isRootPointer() ? null : asObject(failed.copy().parent().queryJson(schema));
      switch (keyword) {
        // wrappers: the errors of their sub-schemas say what is wrong
        case "properties", "$ref", "anyOf", "allOf", "oneOf", "items", "" -> { }
        case "required" -> missing(failed.queryJson(schema), instancePointer(unit.getInstanceLocation()).queryJson(body))
            .forEach(name -> byField.putIfAbsent(field.isEmpty() ? name : field + "." + name, "is required"));
        case "additionalProperties" -> {
          // Vert.x also reports declared properties that failed their own schema here: skip those.
          String property = instance.isEmpty() ? "" : instance.get(instance.size() - 1);
          JsonObject declared = owner == null ? null : owner.getJsonObject("properties");
          if (declared == null || !declared.containsKey(property)) {
            byField.putIfAbsent(field, "is not a known field");
          }
        }
        default -> {
          JsonPointer properties = propertiesOf.get(unit.getInstanceLocation());
          JsonObject property = properties == null || instance.isEmpty() ? null
              : asObject(properties.copy().append(instance.get(instance.size() - 1)).queryJson(schema));
          byField.putIfAbsent(field.isEmpty() ? "body" : field, message(keyword, owner, property));
        }
      }
    }
    if (byField.isEmpty()) {
      byField.put("body", "does not match the command's schema");
    }
    List<FieldError> errors = new ArrayList<>();
    byField.forEach((field, message) -> errors.add(new FieldError(field, message)));
    return errors;
  }

  /** The names a {@code required} keyword lists that the instance object does not have. */
  private static List<String> missing(Object required, Object instance) {
    if (!(required instanceof JsonArray names) || !(instance instanceof JsonObject object)) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (Object name : names) {
      if (name instanceof String n && !object.containsKey(n)) {
        out.add(n);
      }
    }
    return out;
  }

  private static String message(String keyword, JsonObject owner, JsonObject property) {
    if (property != null && property.getString("x-message") != null) {
      return property.getString("x-message");
    }
    JsonObject node = owner == null ? new JsonObject() : owner;
    if (node.getString("x-message") != null) {
      return node.getString("x-message");
    }
    Object value = node.getValue(keyword);
    return switch (keyword) {
      case "type" -> "must be " + article(String.valueOf(value));
      case "minLength" -> Integer.valueOf(1).equals(value) ? "must not be empty" : "must be at least " + value + " characters";
      case "maxLength" -> "must be at most " + value + " characters";
      case "pattern" -> "has the wrong format";
      case "enum", "const" -> "is not an allowed value";
      default -> "is invalid (" + keyword + ")";
    };
  }

  private static String article(String type) {
    return switch (type) {
      case "object" -> "an object";
      case "array" -> "an array";
      case "integer" -> "an integer";
      case "null" -> "null";
      default -> "a " + type;
    };
  }

  /** The failing keyword: the last token of the unit's keyword location ("" for the root). */
  private static String keyword(OutputUnit unit) {
    String location = unit.getKeywordLocation();
    List<String> path = location == null ? List.of() : tokens(JsonPointer.fromURI(URI.create(location)));
    return path.isEmpty() ? "" : path.get(path.size() - 1);
  }

  /** Where the failing keyword is in the schema, {@code $ref}s already followed by the validator. */
  private static JsonPointer schemaPointer(OutputUnit unit) {
    String absolute = unit.getAbsoluteKeywordLocation();
    return absolute == null ? null : JsonPointer.fromURI(URI.create(absolute));
  }

  private static JsonPointer instancePointer(String location) {
    return JsonPointer.fromURI(URI.create(location == null || location.isEmpty() ? "#" : location));
  }

  private static JsonObject asObject(Object node) {
    return node instanceof JsonObject o ? o : null;
  }

  /** The decoded reference tokens of a pointer, as Vert.x's own parser reads them (by a walk that records them). */
  static List<String> tokens(JsonPointer pointer) {
    List<String> out = new ArrayList<>();
    pointer.query(out, new JsonPointerIterator() {
      @Override public boolean isObject(Object value) { return true; }
      @Override public boolean isArray(Object value) { return false; }
      @Override public boolean isNull(Object value) { return false; }
      @Override public boolean objectContainsKey(Object value, String key) { return true; }
      @Override public Object getObjectParameter(Object value, String key, boolean createOnMissing) {
        out.add(key);
        return value;
      }
      @Override public Object getArrayElement(Object value, int i) {
        out.add(String.valueOf(i));
        return value;
      }
      @Override public boolean writeObjectParameter(Object value, String key, Object el) { return false; }
      @Override public boolean writeArrayElement(Object value, int i, Object el) { return false; }
      @Override public boolean appendArrayElement(Object value, Object el) { return false; }
    });
    return out;
  }

  private static JsonObject load(String resource) {
    try (InputStream in = CommandSchemas.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("schema " + resource + " is missing from the class path");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("schema " + resource + " cannot be read", e);
    }
  }
}
