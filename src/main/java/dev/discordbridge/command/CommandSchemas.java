package dev.discordbridge.command;

import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.contract.Text;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

  private static final Pattern QUOTED = Pattern.compile("\"(.*)\"");
  private static final int MAX_CONTENT_CODE_POINTS = 2000;

  /** The data to forward upstream, or the field errors; exactly one is non-null. */
  public record Result(JsonObject data, List<FieldError> errors) {
    public boolean valid() {
      return errors == null;
    }
  }

  private record Compiled(JsonObject raw, Validator validator) {}

  private final Map<String, Compiled> schemas = new LinkedHashMap<>();

  /** Loads and compiles every schema; fails fast (at deployment) when one is missing or broken. */
  public CommandSchemas() {
    for (String name : NAMES) {
      JsonObject raw = load("schemas/" + name + ".json");
      var options = new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("https://discord-bridge.invalid/")
          .setOutputFormat(OutputFormat.Basic);
      schemas.put(name, new Compiled(raw, Validator.create(JsonSchema.of(raw), options)));
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
    OutputUnit out = schema.validator().validate(object);
    if (!Boolean.TRUE.equals(out.getValid())) {
      return new Result(null, fieldErrors(schema.raw(), out));
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

  static List<FieldError> fieldErrors(JsonObject schema, OutputUnit out) {
    Map<String, String> byField = new LinkedHashMap<>();
    List<OutputUnit> units = out.getErrors() == null || out.getErrors().isEmpty() ? List.of(out) : out.getErrors();
    for (OutputUnit unit : units) {
      String keywordLocation = unit.getKeywordLocation() == null ? "" : unit.getKeywordLocation();
      List<String> path = pointer(keywordLocation);
      String keyword = path.isEmpty() ? "" : path.get(path.size() - 1);
      String instance = dotted(pointer(unit.getInstanceLocation() == null ? "" : unit.getInstanceLocation()));
      Walk walk = walk(schema, path);
      switch (keyword) {
        // wrappers: the errors of their sub-schemas say what is wrong
        case "properties", "$ref", "anyOf", "allOf", "oneOf", "items", "" -> { }
        case "required" -> {
          Matcher m = QUOTED.matcher(unit.getError() == null ? "" : unit.getError());
          if (m.find()) {
            byField.putIfAbsent(join(instance, m.group(1)), "is required");
          }
        }
        case "additionalProperties" -> {
          // Vert.x also reports declared properties that failed their own schema here: skip those.
          String property = instance.contains(".") ? instance.substring(instance.lastIndexOf('.') + 1) : instance;
          JsonObject declared = walk.owner() == null ? null : walk.owner().getJsonObject("properties");
          if (declared == null || !declared.containsKey(property)) {
            byField.putIfAbsent(instance, "is not a known field");
          }
        }
        default -> byField.putIfAbsent(instance.isEmpty() ? "body" : instance, message(keyword, walk));
      }
    }
    if (byField.isEmpty()) {
      byField.put("body", "does not match the command's schema");
    }
    List<FieldError> errors = new ArrayList<>();
    byField.forEach((field, message) -> errors.add(new FieldError(field, message)));
    return errors;
  }

  private static String message(String keyword, Walk walk) {
    if (walk.field() != null && walk.field().getString("x-message") != null) {
      return walk.field().getString("x-message");
    }
    JsonObject owner = walk.owner() == null ? new JsonObject() : walk.owner();
    if (owner.getString("x-message") != null) {
      return owner.getString("x-message");
    }
    Object value = owner.getValue(keyword);
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

  /** The schema node that holds the failing keyword, and the property schema the error is under. */
  private record Walk(JsonObject owner, JsonObject field) {}

  private static Walk walk(JsonObject root, List<String> path) {
    JsonObject node = root;
    JsonObject field = null;
    for (int i = 0; i < path.size() - 1 && node != null; i++) {
      String segment = path.get(i);
      Object next;
      if ("$ref".equals(segment)) {
        next = resolve(root, node.getString("$ref"));
      } else {
        Object child = node.getValue(segment);
        next = child instanceof JsonArray array && i + 1 < path.size() ? array.getValue(Integer.parseInt(path.get(++i))) : child;
      }
      boolean isProperty = i > 0 && "properties".equals(path.get(i - 1)) && !"$ref".equals(segment);
      node = next instanceof JsonObject o ? o : null;
      if (isProperty) {
        field = node;
      }
    }
    return new Walk(node, field);
  }

  private static Object resolve(JsonObject root, String ref) {
    if (ref == null || !ref.startsWith("#/")) {
      return null;
    }
    Object node = root;
    for (String segment : pointer(ref.substring(1))) {
      node = node instanceof JsonObject o ? o.getValue(segment) : null;
    }
    return node;
  }

  /** "#/emoji/id" or "/emoji/id" -> [emoji, id] (JSON pointer escapes decoded). */
  private static List<String> pointer(String location) {
    String s = location.startsWith("#") ? location.substring(1) : location;
    List<String> out = new ArrayList<>();
    for (String segment : s.split("/")) {
      if (!segment.isEmpty()) {
        out.add(segment.replace("~1", "/").replace("~0", "~"));
      }
    }
    return out;
  }

  private static String dotted(List<String> path) {
    return String.join(".", path);
  }

  private static String join(String parent, String child) {
    return parent.isEmpty() ? child : parent + "." + child;
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
