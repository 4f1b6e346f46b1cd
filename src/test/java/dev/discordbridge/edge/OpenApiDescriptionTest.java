package dev.discordbridge.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.config.BridgeConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.client.WebClient;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * docs/openapi.yaml against the router that serves it: every route of the public port is described
 * and every described path and method has a route (demo mode, where the most routes exist, and direct
 * mode with Sign in with Discord on); the
 * command bodies are the schemas the bridge validates with; every example is valid against its schema.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OpenApiDescriptionTest {
  static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete", "head", "options");
  /** Files of the webroot the StaticHandler serves under "/*": described, but not routes of their own. */
  static final Set<String> STATIC_FILES = Set.of("/client/bridge-client.js");

  static Vertx vertx;
  static EdgeVerticle verticle;
  /** Direct mode with Sign in with Discord on: the routes that exist only there. */
  static EdgeVerticle signInVerticle;
  static int port;
  static JsonObject doc;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    StreamTestSupport.registerCodec(vertx);
    port = StreamTestSupport.freePort();
    BridgeConfig config = BridgeConfig.parse(new JsonObject().put("HTTP_HOST", "127.0.0.1").put("HTTP_PORT", port));
    assertTrue(config.auth().demo(), "demo mode: the demo routes exist too");
    verticle = new EdgeVerticle(config, new EdgeVerticle.PortHolder());
    vertx.deployVerticle(verticle).await();
    int signInPort = StreamTestSupport.freePort();
    BridgeConfig signIn = BridgeConfig.parse(new JsonObject().put("HTTP_HOST", "127.0.0.1").put("HTTP_PORT", signInPort)
        .put("DISCORD_BOT_TOKEN", "MTA5ODc2NDUyMzQwOTg3NjQ4Mg.Gx1234.openapi-test-token")
        .put("DISCORD_API_BASE", "http://127.0.0.1:9/api/v10")
        .put("AUTH_JWT_SECRET", "openapi-test-secret-0123456789abcdef-0123456789")
        .put("DISCORD_CLIENT_ID", "112233445566778899").put("DISCORD_CLIENT_SECRET", "openapi-test-client-secret")
        .put("PUBLIC_BASE_URL", "http://127.0.0.1:" + signInPort));
    assertTrue(signIn.signIn() != null, "sign-in on: its routes exist too");
    signInVerticle = new EdgeVerticle(signIn, new EdgeVerticle.PortHolder());
    vertx.deployVerticle(signInVerticle).await();
    doc = OpenApiDocument.load();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  /** "GET /api/guilds/:guildId/voice" for each method of each route with a path; "ANY ..." for routes of every method. */
  static Set<String> routerOperations() {
    Set<String> ops = new TreeSet<>();
    List<Route> all = new ArrayList<>(verticle.router().getRoutes());
    all.addAll(signInVerticle.router().getRoutes());
    for (Route route : all) {
      String path = route.getPath();
      if (path == null || path.endsWith("*")) {
        continue;   // handlers for every request (trace id, CORS) and the static webroot
      }
      Set<HttpMethod> methods = route.methods();
      if (methods == null || methods.isEmpty()) {
        ops.add("ANY " + path);
      } else {
        methods.forEach(m -> ops.add(m.name() + " " + path));
      }
    }
    return ops;
  }

  static Set<String> describedOperations() {
    Set<String> ops = new TreeSet<>();
    JsonObject paths = doc.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String key : paths.getJsonObject(path).fieldNames()) {
        if (METHODS.contains(key)) {
          ops.add(key.toUpperCase(Locale.ROOT) + " " + path);
        }
      }
    }
    return ops;
  }

  /** Does the router path (":name" segments) serve the described path ("{name}" segments or literal)? */
  static boolean serves(String routerPath, String describedPath) {
    String regex = Pattern.quote(routerPath).replaceAll(":[A-Za-z]+", "\\\\E[^/]+\\\\Q");
    return describedPath.replaceAll("\\{[A-Za-z]+}", "x").matches(regex);
  }

  static boolean covered(String routerOp, Set<String> described) {
    String[] r = routerOp.split(" ", 2);
    return described.stream().map(d -> d.split(" ", 2))
        .anyMatch(d -> (r[0].equals("ANY") || r[0].equals(d[0])) && serves(r[1], d[1]));
  }

  @Test
  void everyRouteIsDescribedAndEveryDescribedRouteExists() {
    Set<String> routes = routerOperations();
    Set<String> described = describedOperations();
    List<String> undescribed = routes.stream().filter(r -> !covered(r, described)).toList();
    assertEquals(List.of(), undescribed, "routes of the router missing from docs/openapi.yaml");
    List<String> unrouted = described.stream()
        .filter(d -> !STATIC_FILES.contains(d.split(" ", 2)[1]))
        .filter(d -> routes.stream().noneMatch(r -> covered(r, Set.of(d)))).toList();
    assertEquals(List.of(), unrouted, "paths of docs/openapi.yaml that no route serves");
    assertTrue(routes.size() >= 15, "the router was introspected: " + routes);
  }

  @Test
  void aRouteMissingFromTheDescriptionIsCaught() {
    Set<String> described = new TreeSet<>(describedOperations());
    described.remove("GET /api/me");
    assertTrue(routerOperations().stream().anyMatch(r -> !covered(r, described)), "GET /api/me is no longer covered");
  }

  @Test
  void staticFilesItDescribesAreInTheWebroot() {
    for (String path : STATIC_FILES) {
      assertTrue(getClass().getClassLoader().getResource("webroot" + path) != null, path);
    }
  }

  @Test
  void servedAsJsonEqualToTheYaml() {
    var web = WebClient.create(vertx);
    var res = web.get(port, "127.0.0.1", "/api/openapi.json").send().await();
    assertEquals(200, res.statusCode());
    assertTrue(res.getHeader("Content-Type").startsWith("application/json"));
    assertEquals(doc, res.bodyAsJsonObject());
    assertEquals("3.1.0", doc.getString("openapi"));
  }

  @Test
  void commandBodiesAreTheSchemasTheBridgeValidatesWith() throws Exception {
    for (String name : List.of("sendMessage", "addReaction", "typingStart")) {
      JsonObject body = doc.getJsonObject("paths").getJsonObject("/api/commands/" + name).getJsonObject("post")
          .getJsonObject("requestBody").getJsonObject("content").getJsonObject("application/json");
      assertEquals("#/components/schemas/" + name, body.getJsonObject("schema").getString("$ref"));
      try (InputStream in = getClass().getClassLoader().getResourceAsStream("schemas/" + name + ".json")) {
        JsonObject validatedWith = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        JsonObject described = doc.getJsonObject("components").getJsonObject("schemas").getJsonObject(name);
        assertEquals(OpenApiDocument.embedded(name, validatedWith), described);
        assertEquals(validatedWith.getJsonObject("properties").fieldNames(), described.getJsonObject("properties").fieldNames());
        assertEquals(validatedWith.getJsonArray("required"), described.getJsonArray("required"));
      }
    }
  }

  @Test
  void commandsListEveryStatusOfTheContractAndEveryForbiddenReason() {
    for (String name : List.of("sendMessage", "addReaction", "typingStart")) {
      JsonObject responses = doc.getJsonObject("paths").getJsonObject("/api/commands/" + name).getJsonObject("post")
          .getJsonObject("responses");
      for (String status : List.of("200", "202", "400", "401", "403", "413", "415", "429", "502", "503")) {
        assertTrue(responses.containsKey(status), name + " describes " + status);
      }
      for (String status : List.of("429", "503")) {
        assertTrue(resolve(responses.getJsonObject(status)).getJsonObject("headers").containsKey("Retry-After"), name + " " + status);
      }
    }
    JsonArray reasons = doc.getJsonObject("components").getJsonObject("schemas").getJsonObject("Error")
        .getJsonObject("properties").getJsonObject("error").getJsonObject("properties").getJsonObject("reason").getJsonArray("enum");
    assertEquals(new JsonArray().add("GUILD_NOT_ALLOWED").add("CHANNEL_NOT_IN_GUILD").add("MISSING_PERMISSION")
        .add("BOT_MISSING_PERMISSION"), reasons);
  }

  @Test
  void operationIdsAreUniqueAndPathParametersDeclared() {
    Set<String> ids = new TreeSet<>();
    JsonObject paths = doc.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        JsonObject op = paths.getJsonObject(path).getJsonObject(method);
        assertTrue(ids.add(op.getString("operationId")), "one operationId per operation: " + op.getString("operationId"));
        var matcher = Pattern.compile("\\{([A-Za-z]+)}").matcher(path);
        while (matcher.find()) {
          String param = matcher.group(1);
          assertTrue(op.getJsonArray("parameters", new JsonArray()).stream().map(o -> resolve((JsonObject) o))
              .anyMatch(o -> param.equals(o.getString("name")) && "path".equals(o.getString("in"))), path + " declares " + param);
        }
      }
    }
  }

  /** Every example and every value of examples beside a schema, request bodies and responses. */
  @Test
  void everyExampleIsValidAgainstItsSchema() {
    List<String> checked = new ArrayList<>();
    List<String> invalid = new ArrayList<>();
    JsonObject paths = doc.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        if (!METHODS.contains(method)) {
          continue;
        }
        JsonObject op = paths.getJsonObject(path).getJsonObject(method);
        String where = method.toUpperCase(Locale.ROOT) + " " + path;
        if (op.containsKey("requestBody")) {
          checkContent(where + " request", op.getJsonObject("requestBody").getJsonObject("content"), checked, invalid);
        }
        for (Object p : op.getJsonArray("parameters", new JsonArray())) {
          JsonObject param = resolve((JsonObject) p);
          if (param.containsKey("example")) {
            check(where + " parameter " + param.getString("name"), param.getJsonObject("schema"), param.getValue("example"), checked, invalid);
          }
        }
        JsonObject responses = op.getJsonObject("responses");
        for (String status : responses.fieldNames()) {
          JsonObject response = resolve(responses.getJsonObject(status));
          if (response.containsKey("content")) {
            checkContent(where + " " + status, response.getJsonObject("content"), checked, invalid);
          }
        }
      }
    }
    assertEquals(List.of(), invalid);
    assertTrue(checked.size() >= 40, "examples checked: " + checked.size() + " " + checked);
  }

  @Test
  void aWrongExampleIsCaught() {
    List<String> checked = new ArrayList<>();
    List<String> invalid = new ArrayList<>();
    check("typo", new JsonObject().put("$ref", "#/components/schemas/sendMessage"),
        new JsonObject().put("guildId", "1181471853712130048").put("channelId", "1181471853712130052").put("conent", "x"),
        checked, invalid);
    check("short id", new JsonObject().put("$ref", "#/components/schemas/addReaction"),
        new JsonObject().put("guildId", "1181471853712130048").put("channelId", "1181471853712130052")
            .put("messageId", "12").put("emoji", new JsonObject().put("name", "x")), checked, invalid);
    assertEquals(2, invalid.size(), String.valueOf(invalid));
  }

  void checkContent(String where, JsonObject content, List<String> checked, List<String> invalid) {
    for (String type : content.fieldNames()) {
      if (!(content.getValue(type) instanceof JsonObject media)) {
        invalid.add(where + " " + type + ": not a media type object: " + content.getValue(type));
        continue;
      }
      JsonObject schema = media.getJsonObject("schema");
      if (schema == null) {
        continue;
      }
      if (media.containsKey("example")) {
        check(where + " " + type, schema, media.getValue("example"), checked, invalid);
      }
      JsonObject examples = media.getJsonObject("examples", new JsonObject());
      for (String name : examples.fieldNames()) {
        if (!(examples.getValue(name) instanceof JsonObject example)) {
          invalid.add(where + " " + type + " " + name + ": not an example object: " + examples.getValue(name));
          continue;
        }
        check(where + " " + type + " " + name, schema, example.getValue("value"), checked, invalid);
      }
    }
  }

  /** Validates with the whole document's components in scope (local $refs resolve), draft 2020-12. */
  static void check(String where, JsonObject schema, Object example, List<String> checked, List<String> invalid) {
    // JsonSchema.of marks what it is given (__absolute_uri__): hand it copies only.
    JsonObject scoped = schema.copy().put("components", doc.getJsonObject("components").copy());
    var options = new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("https://bridge.invalid/openapi.json")
        .setOutputFormat(OutputFormat.Basic);
    OutputUnit result = Validator.create(JsonSchema.of(scoped), options).validate(example);
    checked.add(where);
    if (!result.getValid()) {
      invalid.add(where + ": " + result.getErrors());
    }
  }

  static JsonObject resolve(JsonObject node) {
    String ref = node.getString("$ref");
    if (ref == null || !ref.startsWith("#/")) {
      return node;
    }
    Object target = doc;
    for (String part : ref.substring(2).split("/")) {
      target = ((JsonObject) target).getValue(part);
    }
    return (JsonObject) target;
  }
}
