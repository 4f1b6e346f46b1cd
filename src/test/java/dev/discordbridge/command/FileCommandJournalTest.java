package dev.discordbridge.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The single node's journal on a real file: what a restart gets back, and what it never does. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FileCommandJournalTest {
  @TempDir Path dir;
  Vertx vertx;
  Context owner;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    owner = vertx.getOrCreateContext();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
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

  @Test
  void openCommandsComeBackInOrderWithTheirIdsAndEndedOnesDoNot() throws Exception {
    var first = new FileCommandJournal(vertx, dir);
    assertEquals(List.of(), on(first::recover));
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
    List<GatewayCommand> back = on(second::recover);
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
    assertEquals(List.of(a.id()), on(journal::recover).stream().map(GatewayCommand::id).toList());
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
