package dev.discordbridge.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.discordbridge.app.Node;
import dev.discordbridge.auth.Authenticator;
import dev.discordbridge.contract.Ids;
import dev.discordbridge.contract.Times;
import dev.discordbridge.sim.TestHub;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The browser client ({@code /client/bridge-client.js}) in headless Chromium against a live bridge
 * node (demo mode, the test drives its hub). The browser reaches the bridge through a TCP proxy of
 * this test, which can cut every connection (a network drop) or stop passing bytes (a silent one).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BrowserClientIT {
  /** Loads the module, creates the client with the test's tokens and options, starts it. */
  static final String START = """
      const [options, tokens, guildId, done] = arguments;
      import('/client/bridge-client.js').then(async (m) => {
        window.__tokens = tokens.slice();
        Object.assign(window, { __seen: [], __states: [], __resets: 0, __voiceLoads: 0, __requests: [] });
        const logged = async (url, init) => {
          const at = Date.now();
          const res = await fetch(url, init);
          window.__requests.push({ url: String(url), status: res.status, at,
            key: init?.headers?.['Idempotency-Key'] ?? null, retryAfter: res.headers.get('Retry-After') });
          return res;
        };
        const client = m.createBridgeClient(Object.assign({ fetch: logged,
          getToken: () => (window.__tokens.length > 1 ? window.__tokens.shift() : window.__tokens[0]) }, options));
        window.__client = client;
        client.on('messageCreate', (e) => window.__seen.push(e.data.content));
        client.onState((s) => window.__states.push(s));
        client.onReset(() => { window.__resets++; });
        window.__voice = client.voicePresence([guildId], (p, ev) => { if (!ev) window.__voiceLoads++; });
        await client.start();
        done('started');
      }).catch((e) => done('error: ' + e));
      """;

  static Node node;
  static Vertx proxyVertx;
  static Proxy proxy;
  static ChromeDriver driver;
  static String base;
  static String guildId;
  static String textChannelId;
  static final AtomicInteger USERS = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(Files.isExecutable(PageFixture.CHROMIUM), "Chromium is not installed at " + PageFixture.CHROMIUM);
    node = Node.start(Map.of(), new JsonObject()
        .put("HTTP_HOST", "127.0.0.1").put("HTTP_PORT", 0)
        .put("SIM_EVENTS_PER_SEC", 0)
        .put("SSE_HEARTBEAT_MS", 1_000)
        .put("RATE_LIMIT_USER", "3/3s")
        .put("RATE_LIMIT_CHANNEL", "1000/10s")
        .put("COMMAND_ACK_WAIT_MS", 300)
        .put("COMMAND_ATTEMPT_TIMEOUT_MS", 600)
        .put("COMMAND_BACKOFF_MAX_MS", 500)
        .put("COMMAND_MAX_ATTEMPTS", 50)
        .put("LINK_BACKOFF_BASE_MS", 100)
        .put("LINK_BACKOFF_MAX_MS", 1_000)
        .put("NODE_ID", "client-it"), TestHub::new).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    proxyVertx = Vertx.vertx();
    proxy = new Proxy(proxyVertx, node.httpPort());
    base = "http://127.0.0.1:" + proxy.port;
    JsonObject guild = hub().roster().getJsonArray("guilds").getJsonObject(0);
    guildId = guild.getString("id");
    for (Object o : guild.getJsonArray("channels")) {
      if ("text".equals(((JsonObject) o).getString("type")) && textChannelId == null) {
        textChannelId = ((JsonObject) o).getString("id");
      }
    }
    driver = PageFixture.newDriver("");
  }

  @AfterAll
  static void stop() throws Exception {
    if (driver != null) {
      driver.quit();
    }
    if (proxyVertx != null) {
      proxyVertx.close().await();
    }
    if (node != null) {
      node.stop().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }

  static TestHub hub() {
    return (TestHub) node.simulatedHub();
  }

  @BeforeEach
  void freshTab() {
    // One tab, no client running, no resume position left by another test.
    List<String> handles = new ArrayList<>(driver.getWindowHandles());
    for (int i = 1; i < handles.size(); i++) {
      driver.switchTo().window(handles.get(i)).close();
    }
    driver.switchTo().window(handles.get(0));
    driver.get(base + "/client/bridge-client.js");
    js(driver, "sessionStorage.clear(); localStorage.clear();");
    awaitConnections(0);
  }

  static String base() {
    return "http://127.0.0.1:" + node.httpPort();
  }

  // ------------------------------------------------------------------ tests

  @Test
  void tabsOfAnotherUserDoNotShareTheStream() {
    startClient(Map.of(), tokens(1, 600));
    awaitJs("return window.__client.isLeader && window.__states.includes('live')");
    driver.switchTo().newWindow(WindowType.TAB);
    driver.get(base + "/client/bridge-client.js");
    startClient(Map.of(), tokens(1, 600));   // a new user
    awaitJs("return window.__client.isLeader && window.__states.includes('live')");
    awaitConnections(2);
  }

  @Test
  void resumesAfterTheConnectionIsCutWithNothingLost() {
    startClient(Map.of("shareTabs", false), tokens(1, 600));
    emitMessages("cut", 1, 5);
    awaitSeen("cut", 5);
    proxy.cutAll();
    emitMessages("cut", 6, 10);   // while the client is away
    awaitSeen("cut", 10);
    assertEquals(numbered("cut", 1, 10), seen("cut"), "every message once, in order");
    assertTrue(stat("connections") >= 2, "it did reconnect");
  }

  @Test
  void aSilentConnectionIsReplacedAndResumes() {
    startClient(Map.of("shareTabs", false, "heartbeatTimeoutMs", 3_000), tokens(1, 600));
    emitMessages("silent", 1, 2);
    awaitSeen("silent", 2);
    proxy.silenceAll();   // the socket stays open, nothing more arrives (no heartbeat either)
    emitMessages("silent", 3, 6);
    awaitSeen("silent", 6);
    assertEquals(numbered("silent", 1, 6), seen("silent"));
    assertTrue(stat("silentReplaced") >= 1, "the watchdog replaced the silent connection");
  }

  @Test
  void keepsItsPlaceAcrossAPageReload() {
    startClient(Map.of("shareTabs", false), tokens(1, 600));
    emitMessages("reload", 1, 3);
    awaitSeen("reload", 3);
    driver.navigate().refresh();
    emitMessages("reload", 4, 6);   // while the page is gone
    startClient(Map.of("shareTabs", false), tokens(1, 600));
    awaitSeen("reload", 3);
    assertEquals(numbered("reload", 4, 6), seen("reload"), "the reloaded page resumes after the last one it processed");
  }

  @Test
  void aLostUpstreamSessionCallsTheResetCallbackAndRefetchesVoice() {
    startClient(Map.of("shareTabs", false), tokens(1, 600));
    awaitJs("return window.__states.includes('live')");
    long loads = num("return window.__voiceLoads");
    hub().invalidateSessions();
    hub().dropLink().toCompletionStage().toCompletableFuture().join();
    awaitJs("return window.__resets >= 1");
    awaitJs("return window.__voiceLoads > " + loads);
    emitMessages("after-reset", 1, 2);
    awaitSeen("after-reset", 2);
    assertEquals(1L, num("return window.__resets"), "one reset, one callback");
  }

  @Test
  void a202SettlesThroughCommandStatus() {
    startClient(Map.of("shareTabs", false), tokens(1, 600));
    awaitJs("return window.__states.includes('live')");
    hub().refuseConnections(true);
    hub().dropLink().toCompletionStage().toCompletableFuture().join();
    try {
      js(driver, "window.__statuses = []; window.__outcome = null;"
          + "window.__client.sendMessage({guildId: arguments[0], channelId: arguments[1], content: 'while away'},"
          + "  {onStatus: (s) => window.__statuses.push(s.status)})"
          + " .then((r) => { window.__outcome = r; }, (e) => { window.__outcome = {error: e.code}; });", guildId, textChannelId);
      awaitJs("return window.__statuses.includes('queued')");
      assertEquals(null, js(driver, "return window.__outcome"), "still pending while the link is down");
    } finally {
      hub().refuseConnections(false);
    }
    new WebDriverWait(driver, Duration.ofSeconds(30), Duration.ofMillis(100))
        .until(d -> js(d, "return window.__outcome") != null);
    assertEquals("delivered", js(driver, "return window.__outcome.status"), String.valueOf(js(driver, "return JSON.stringify(window.__outcome)")));
    assertTrue(((List<?>) js(driver, "return window.__requests.filter(r => r.url.includes('/api/commands/')).map(r => r.status)")).contains(202L));
  }

  @Test
  void a429IsRetriedAfterRetryAfter() {
    startClient(Map.of("shareTabs", false), tokens(1, 600));
    js(driver, "window.__outcomes = null; const body = {guildId: arguments[0], channelId: arguments[1]};"
        + "Promise.allSettled([1,2,3,4,5].map((i) => window.__client.sendMessage({...body, content: 'burst ' + i})))"
        + " .then((r) => { window.__outcomes = r.map((x) => x.status === 'fulfilled' ? x.value.status : x.reason.code); });",
        guildId, textChannelId);
    new WebDriverWait(driver, Duration.ofSeconds(40), Duration.ofMillis(100)).until(d -> js(d, "return window.__outcomes") != null);
    assertEquals(List.of("delivered", "delivered", "delivered", "delivered", "delivered"), js(driver, "return window.__outcomes"));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> requests = (List<Map<String, Object>>) js(driver,
        "return window.__requests.filter(r => r.url.includes('/api/commands/'))");
    List<Map<String, Object>> limited = requests.stream().filter(r -> ((Number) r.get("status")).intValue() == 429).toList();
    assertFalse(limited.isEmpty(), "a user bucket of 3 refused some of 5: " + requests);
    for (Map<String, Object> refusal : limited) {
      long waitMs = Long.parseLong((String) refusal.get("retryAfter")) * 1000;
      Map<String, Object> retry = requests.stream()
          .filter(r -> refusal.get("key").equals(r.get("key")) && ((Number) r.get("at")).longValue() > ((Number) refusal.get("at")).longValue())
          .findFirst().orElseThrow();
      long waited = ((Number) retry.get("at")).longValue() - ((Number) refusal.get("at")).longValue();
      assertTrue(waited >= waitMs - 50, "retried with the same Idempotency-Key after Retry-After (" + waitMs + " ms): " + waited);
    }
  }

  @Test
  void swapsItsTokenBeforeExpiryWithoutAGap() {
    // Each token lives 3 s longer than the one before: renewing 3 s before expiry, a fresh one each time.
    startClient(Map.of("shareTabs", false, "renewBeforeMs", 3_000), tokens(6, 6));
    awaitJs("return window.__states.includes('live')");
    for (int i = 1; i <= 32; i++) {
      emitMessages("swap", i, i);
      pause(250);
    }
    awaitSeen("swap", 32);
    assertEquals(numbered("swap", 1, 32), seen("swap"), "nothing lost or doubled across the swaps");
    assertTrue(stat("tokenRenewals") >= 2, "renewed: " + stat("tokenRenewals"));
    List<?> states = (List<?>) js(driver, "return window.__states");
    assertFalse(states.subList(states.indexOf("live"), states.size()).contains("reconnecting"),
        "no reconnect: each stream was replaced before its token expired " + states);
  }

  @Test
  void twoTabsShareOneConnectionAndTheSecondTakesOverWhenTheFirstCloses() throws Exception {
    String first = driver.getWindowHandle();
    List<String> sameUser = tokens(1, 600);   // tabs share a stream only when they act for the same user
    startClient(Map.of(), sameUser);
    awaitJs("return window.__client.isLeader && window.__states.includes('live')");
    driver.switchTo().newWindow(WindowType.TAB);
    String second = driver.getWindowHandle();
    driver.get(base + "/client/bridge-client.js");
    js(driver, "sessionStorage.clear();");
    startClient(Map.of(), sameUser);
    awaitJs("return window.__states.includes('live')");
    assertEquals(false, js(driver, "return window.__client.isLeader"), "the second tab follows");
    emitMessages("tabs", 1, 3);
    awaitSeen("tabs", 3);
    driver.switchTo().window(first);
    awaitSeen("tabs", 3);
    assertEquals(1.0, connections(), "two tabs, one stream");

    driver.close();   // the leader's tab
    driver.switchTo().window(second);
    emitMessages("tabs", 4, 8);   // during the handover
    awaitJs("return window.__client.isLeader");
    awaitSeen("tabs", 8);
    assertEquals(numbered("tabs", 1, 8), seen("tabs"), "the second tab missed nothing across the handover");
    awaitConnections(1);
  }

  // ------------------------------------------------------------------ helpers

  static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();

  /** Streams open on the bridge ({@code bridge_sse_connections}), read directly, not through the proxy. */
  static double connections() {
    try {
      String body = HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base() + "/metrics")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      return body.lines().filter(l -> l.startsWith("bridge_sse_connections ") || l.startsWith("bridge_sse_connections{"))
          .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static void awaitConnections(double expected) {
    new WebDriverWait(driver, Duration.ofSeconds(20), Duration.ofMillis(100))
        .withMessage(() -> "bridge_sse_connections = " + connections() + ", expected " + expected)
        .until(d -> connections() == expected);
  }

  void startClient(Map<String, Object> options, List<String> tokens) {
    Object result = ((JavascriptExecutor) driver).executeAsyncScript(START, options, tokens, guildId);
    assertEquals("started", result);
  }

  /** {@code count} tokens of a new user; the first lives {@code ttlSeconds}, each next one 3 s longer. */
  static List<String> tokens(int count, long ttlSeconds) {
    var auth = new Authenticator(node.vertx(), node.config().auth());
    String user = String.valueOf(1_300_000_000_000_000_000L + USERS.incrementAndGet());
    return IntStream.range(0, count).mapToObj(i -> auth.mint(user, List.of(guildId), ttlSeconds + 3L * i)).toList();
  }

  static void emitMessages(String tag, int from, int to) {
    for (int i = from; i <= to; i++) {
      hub().emit(new JsonObject().put("id", Ids.newEventId()).put("name", "messageCreate").put("guildId", guildId)
              .put("channelId", textChannelId).put("occurredAt", Times.now())
              .put("data", new JsonObject().put("messageId", String.valueOf(1_200_000_000_000_000_000L + System.nanoTime() % 1_000_000_000L))
                  .put("author", new JsonObject().put("id", "1107742619034856192").put("username", "dara"))
                  .put("content", tag + "-" + i))
              .put("trace", new JsonObject().put("traceId", Ids.newTraceId())))
          .toCompletionStage().toCompletableFuture().join();
    }
  }

  static List<String> numbered(String tag, int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(i -> tag + "-" + i).toList();
  }

  @SuppressWarnings("unchecked")
  static List<String> seen(String tag) {
    return ((List<String>) js(driver, "return window.__seen")).stream().filter(s -> s.startsWith(tag + "-")).toList();
  }

  static void awaitSeen(String tag, int count) {
    new WebDriverWait(driver, Duration.ofSeconds(30), Duration.ofMillis(50)).withMessage(() -> "seen " + seen(tag))
        .until(d -> seen(tag).size() >= count);
  }

  static void awaitJs(String script) {
    new WebDriverWait(driver, Duration.ofSeconds(30), Duration.ofMillis(50)).withMessage(script)
        .until(d -> Boolean.TRUE.equals(js(d, script)));
  }

  static long stat(String name) {
    return num("return window.__client.stats." + name);
  }

  static long num(String script) {
    return ((Number) js(driver, script)).longValue();
  }

  static Object js(org.openqa.selenium.WebDriver d, String script, Object... args) {
    return ((JavascriptExecutor) d).executeScript(script, args);
  }

  /** Paces events for the token test (the thing under test is time: tokens expiring). */
  static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A TCP proxy in front of the bridge: cut every connection, or keep them open and pass nothing on. */
  static final class Proxy {
    final int port;
    final List<NetSocket[]> pairs = new CopyOnWriteArrayList<>();
    private final Vertx vertx;

    Proxy(Vertx vertx, int target) {
      this.vertx = vertx;
      NetServer server = vertx.createNetServer().connectHandler(in -> {
        in.pause();
        vertx.createNetClient().connect(target, "127.0.0.1").onSuccess(out -> {
          NetSocket[] pair = {in, out};
          pairs.add(pair);
          in.handler(out::write);
          out.handler(buffer -> {
            if (!silenced.contains(out)) {
              in.write(buffer);
            }
          });
          in.closeHandler(v -> { out.close(); pairs.remove(pair); });
          out.closeHandler(v -> { in.close(); pairs.remove(pair); });
          in.resume();
        }).onFailure(err -> in.close());
      });
      this.port = server.listen(0, "127.0.0.1").await().actualPort();
    }

    private final Set<NetSocket> silenced = java.util.concurrent.ConcurrentHashMap.newKeySet();

    void cutAll() {
      vertx.runOnContext(v -> pairs.forEach(p -> p[0].close()));
    }

    void silenceAll() {
      pairs.forEach(p -> silenced.add(p[1]));
    }
  }
}
