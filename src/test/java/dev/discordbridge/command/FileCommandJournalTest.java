package dev.discordbridge.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.contract.Ids;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The single node's journal on a real file: what a restart gets back, and what it never does. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FileCommandJournalTest {
  @TempDir Path dir;
  Vertx vertx;
  Context owner;

  final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    owner = vertx.getOrCreateContext();
    logs.start();
    ((Logger) LoggerFactory.getLogger(FileCommandJournal.class)).addAppender(logs);
  }

  @AfterEach
  void stop() {
    ((Logger) LoggerFactory.getLogger(FileCommandJournal.class)).detachAppender(logs);
    vertx.close().await();
  }

  List<String> warnings() {
    return logs.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN))
        .map(ILoggingEvent::getFormattedMessage).toList();
  }

  static byte[] queuedLine(GatewayCommand c) {
    return (new JsonObject().put("op", "queued").put("command", c.toJson()).encode() + "\n").getBytes(StandardCharsets.UTF_8);
  }

  static byte[] concat(byte[]... parts) {
    var out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  List<String> recoveredIds() throws Exception {
    var journal = new FileCommandJournal(vertx, dir);
    List<String> ids = on(journal::recover).commands().stream().map(k -> k.command().id()).toList();
    on(journal::close);
    return ids;
  }

  // ---- issue 25 item 1: torn lines, invalid bytes, wrong shapes, no glue ----

  @Test
  void aTailCutInsideAMultiByteCharacterIsSkippedWithOneWarningNamingFileAndOffset() throws Exception {
    GatewayCommand a = command("a");
    byte[] first = queuedLine(a);
    byte[] torn = queuedLine(command("caf\u00e9 \u00e9t\u00e9"));
    int cut = new String(torn, StandardCharsets.ISO_8859_1).indexOf("\u00c3\u00a9") + 1; // inside the first "é"
    Files.write(dir.resolve(FileCommandJournal.FILE), concat(first, java.util.Arrays.copyOf(torn, cut)));

    assertEquals(List.of(a.id()), recoveredIds());
    List<String> warned = warnings();
    assertEquals(1, warned.size(), warned.toString());
    assertTrue(warned.get(0).contains(dir.resolve(FileCommandJournal.FILE).toString()), warned.get(0));
    assertTrue(warned.get(0).contains("offset " + first.length), warned.get(0));
  }

  @Test
  void aLineWithAnInvalidByteIsSkippedAndTheOthersComeBack() throws Exception {
    GatewayCommand a = command("a");
    GatewayCommand c = command("c");
    byte[] bad = queuedLine(command("b"));
    bad[bad.length / 2] = (byte) 0xFF;
    byte[] first = queuedLine(a);
    Files.write(dir.resolve(FileCommandJournal.FILE), concat(first, bad, queuedLine(c)));

    assertEquals(List.of(a.id(), c.id()), recoveredIds());
    assertTrue(warnings().stream().anyMatch(w -> w.contains("offset " + first.length)), warnings().toString());
  }

  @Test
  void aWrongShapeEntryIsSkippedAndLoggedNotReplayedNorExpired() throws Exception {
    GatewayCommand a = command("a");
    JsonObject noTrace = command("no time").toJson();
    noTrace.getJsonObject("trace").remove("requestedAt"); // read as 1970: "expired 1796618281433 ms ago"
    JsonObject badName = command("x").toJson().put("name", "deleteGuild");
    JsonObject badData = command("x").toJson().put("data", new JsonObject().put("content", 42));
    JsonObject noId = command("x").toJson();
    noId.remove("id");
    var lines = new StringBuilder();
    for (JsonObject c : List.of(noTrace, a.toJson(), badName, badData, noId)) {
      lines.append(new JsonObject().put("op", "queued").put("command", c).encode()).append('\n');
    }
    lines.append("[1,2,3]\n").append("{\"op\":\"queued\",\"command\":\"not an object\"}\n");
    Files.writeString(dir.resolve(FileCommandJournal.FILE), lines, StandardCharsets.UTF_8);

    assertEquals(List.of(a.id()), recoveredIds());
    String all = String.join("\n", warnings());
    assertTrue(all.contains(noTrace.getString("id")) && all.contains("trace.requestedAt"), all);
    assertFalse(all.contains("expired"), all);
  }

  @Test
  void anEntryAfterATornTailStartsOnAFreshLine() throws Exception {
    GatewayCommand a = command("a");
    Files.write(dir.resolve(FileCommandJournal.FILE), concat(queuedLine(a), "{\"op\":\"queued\",\"comm".getBytes()));
    var journal = new FileCommandJournal(vertx, dir);
    on(journal::recover);
    GatewayCommand d = command("d");
    on(() -> journal.record(d));
    on(journal::close);
    assertEquals(List.of(a.id(), d.id()), recoveredIds());
  }

  @Test
  void aWriteCutShortByAFullDiskIsNeverGluedToTheNextEntry() throws Exception {
    List<DiskFullChannel> disks = new ArrayList<>();
    var journal = new FileCommandJournal(vertx, dir, real -> {
      DiskFullChannel c = new DiskFullChannel(real);
      disks.add(c);
      return c;
    }, FileCommandJournal.TRUNCATE_AFTER_BYTES);
    on(journal::recover);
    GatewayCommand a = command("a");
    on(() -> journal.record(a));
    disks.get(0).failNextWriteAfter(40);
    GatewayCommand lost = command("lost");
    assertThrows(Exception.class, () -> on(() -> journal.record(lost)), "the 202 is not promised");
    GatewayCommand b = command("b");
    on(() -> journal.record(b));
    on(journal::close);
    assertEquals(List.of(a.id(), b.id()), recoveredIds(), "the entry after the failed write is whole");
  }

  /** Runs {@code action} on the owner context (as the queue does) and waits for its result. */
  <T> T on(Supplier<Future<T>> action) throws Exception {
    Promise<T> result = Promise.promise();
    owner.runOnContext(v -> action.get().onComplete(result));
    return result.future().await(10, TimeUnit.SECONDS);
  }

  static GatewayCommand command(String content) {
    return new GatewayCommand(Ids.newCommandId(), GatewayCommand.SEND_MESSAGE, "900000000000000001", "900000000000000002",
        "900000000000000003", new JsonObject().put("content", content), Ids.newTraceId(), System.currentTimeMillis());
  }

  // ---- issue 25 item 2: Idempotency-Keys kept with their command, and after it ends ----

  static CommandJournal.KeptKey key(GatewayCommand c, String key, long expiresAt) {
    return new CommandJournal.KeptKey(c.actorUserId(), key, c.id(),
        new JsonObject().put("status", "DELIVERED").put("commandId", c.id()), expiresAt);
  }

  @Test
  void keysComeBackWithTheirCommandsAndEndedCommandsKeysUntilTheyExpire() throws Exception {
    var first = new FileCommandJournal(vertx, dir);
    on(first::recover);
    GatewayCommand open = command("still queued");
    GatewayCommand done = command("delivered");
    GatewayCommand old = command("delivered long ago");
    on(() -> first.record(open, "order-42"));
    on(() -> first.record(done, "order-43"));
    on(() -> first.record(old, null));
    long later = System.currentTimeMillis() + 600_000;
    on(() -> {
      first.keepKey(key(done, "order-43", later));
      first.forget(done.id());
      first.keepKey(key(old, "order-1", System.currentTimeMillis() - 1));
      first.forget(old.id());
      return first.close();
    });

    var second = new FileCommandJournal(vertx, dir);
    CommandJournal.Recovery r = on(second::recover);
    assertEquals(List.of(new CommandJournal.Kept(open, "order-42")), r.commands());
    assertEquals(List.of(key(done, "order-43", later)), r.keys(), "an expired key is not kept");
    on(second::close);
    assertEquals(2, Files.readAllLines(dir.resolve(FileCommandJournal.FILE)).size(), "compacted: one command, one key");
  }

  @Test
  void anEmptiedFileKeepsTheLiveKeys() throws Exception {
    var journal = new FileCommandJournal(vertx, dir, java.util.function.UnaryOperator.identity(), 2_000);
    on(journal::recover);
    long later = System.currentTimeMillis() + 600_000;
    GatewayCommand kept = command("kept key");
    on(() -> journal.record(kept, "kept"));
    on(() -> {
      journal.keepKey(key(kept, "kept", later));
      journal.forget(kept.id());
      return Future.succeededFuture();
    });
    for (int i = 0; i < 20; i++) { // about 6 KB of entries with nothing open after each
      GatewayCommand c = command("filler " + i);
      on(() -> journal.record(c));
      on(() -> {
        journal.forget(c.id());
        return Future.succeededFuture();
      });
    }
    on(() -> journal.record(command("the last")));
    on(journal::close);
    long size = Files.size(dir.resolve(FileCommandJournal.FILE));
    assertTrue(size < 2_000, "emptied while running: " + size + " bytes");
    var again = new FileCommandJournal(vertx, dir);
    assertEquals(List.of(key(kept, "kept", later)), on(again::recover).keys());
    on(again::close);
  }

  @Test
  void openCommandsComeBackInOrderWithTheirIdsAndEndedOnesDoNot() throws Exception {
    var first = new FileCommandJournal(vertx, dir);
    assertEquals(List.of(), on(first::recover).commands());
    GatewayCommand a = command("a");
    GatewayCommand b = command("b");
    GatewayCommand c = command("c");
    on(() -> first.record(a));
    on(() -> first.record(b));
    on(() -> first.record(c));
    assertTrue(Files.readString(dir.resolve(FileCommandJournal.FILE)).contains(c.id()), "on disk once record completes");
    on(() -> {
      first.forget(b.id());
      return first.close();
    });

    var second = new FileCommandJournal(vertx, dir);
    List<GatewayCommand> back = on(second::recover).commands().stream().map(CommandJournal.Kept::command).toList();
    assertEquals(List.of(a.id(), c.id()), back.stream().map(GatewayCommand::id).toList());
    assertEquals(a, back.get(0));
    assertEquals(2, Files.readAllLines(dir.resolve(FileCommandJournal.FILE)).size(), "compacted on start");
    on(second::close);
  }

  @Test
  void aLineCutShortByACrashIsSkipped() throws Exception {
    GatewayCommand a = command("a");
    Files.writeString(dir.resolve(FileCommandJournal.FILE),
        new JsonObject().put("op", "queued").put("command", a.toJson()).encode() + "\n{\"op\":\"queued\",\"comm",
        StandardCharsets.UTF_8);
    var journal = new FileCommandJournal(vertx, dir);
    assertEquals(List.of(a.id()), on(journal::recover).commands().stream().map(k -> k.command().id()).toList());
    on(journal::close);
  }

  @Test
  void aSecondNodeOnTheSameDirectoryIsRefusedWithTheVariableNamed() throws Exception {
    var first = new FileCommandJournal(vertx, dir);
    on(first::recover);
    var second = new FileCommandJournal(vertx, dir);
    Exception e = assertThrows(Exception.class, () -> on(second::recover));
    assertTrue(e.getMessage().startsWith("COMMAND_JOURNAL_DIR " + dir.toAbsolutePath()), e.getMessage());
    on(first::close);
    var third = new FileCommandJournal(vertx, dir);
    on(third::recover);
    on(third::close);
  }
}
