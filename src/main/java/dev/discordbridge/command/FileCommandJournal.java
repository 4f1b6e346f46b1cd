package dev.discordbridge.command;

import dev.discordbridge.contract.GatewayCommand;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command journal of a node on its own: an append-only file {@code commands.journal} under
 * {@code COMMAND_JOURNAL_DIR}, one JSON object a line:
 * <pre>
 * {"op":"queued","command":{...the command frame, id and trace.requestedAt included...}}
 * {"op":"ended","id":"cmd_..."}
 * </pre>
 * A {@code queued} line is written and forced to the storage device ({@link FileChannel#force},
 * i.e. fdatasync) before {@link #record} completes, so a 202 is answered only for a command that
 * survives a crash of the process or of the machine. Writes are group-committed: the lines that
 * arrive while one write is on the disk go together in the next one (one fsync for a burst).
 * All file work runs on one worker thread of its own, never on an event loop.
 *
 * <p>On start ({@link #recover}) the file is compacted: the commands without an {@code ended}
 * line are rewritten to a new file that atomically replaces the old one, and returned to be sent
 * again. A torn last line (a crash in mid-write: its command was never answered 202) is skipped.
 * While the node runs, the file is emptied whenever no command is open and it has grown past
 * {@link #TRUNCATE_AFTER_BYTES}. A lock file keeps a second process off the same directory.
 */
public final class FileCommandJournal implements CommandJournal {
  private static final Logger log = LoggerFactory.getLogger(FileCommandJournal.class);
  public static final String FILE = "commands.journal";
  static final String LOCK = "journal.lock";
  static final long TRUNCATE_AFTER_BYTES = 4L * 1024 * 1024;

  private record Line(byte[] bytes, Promise<Void> written) {}

  private final Vertx vertx;
  private final Path dir;
  private final Path file;
  private WorkerExecutor worker;
  private FileChannel channel;
  private FileChannel lockChannel;
  private FileLock lock;

  // owner context only
  private final List<Line> pending = new ArrayList<>();
  private boolean writing;
  private int open;
  private long bytes;
  private Promise<Void> closing;

  public FileCommandJournal(Vertx vertx, Path dir) {
    this.vertx = vertx;
    this.dir = dir.toAbsolutePath().normalize();
    this.file = this.dir.resolve(FILE);
  }

  public Path file() {
    return file;
  }

  @Override
  public Future<List<GatewayCommand>> recover() {
    worker = vertx.createSharedWorkerExecutor("bridge-command-journal-" + System.identityHashCode(this), 1);
    return worker.executeBlocking(this::openAndCompact, true)
        .onSuccess(list -> open = list.size())
        .onFailure(err -> worker.close());
  }

  @Override
  public Future<Void> record(GatewayCommand command) {
    open++;
    return append(new JsonObject().put("op", "queued").put("command", command.toJson()));
  }

  @Override
  public void forget(String commandId) {
    open--;
    append(new JsonObject().put("op", "ended").put("id", commandId));
  }

  @Override
  public Future<List<GatewayCommand>> adoptOrphans() {
    return Future.succeededFuture(List.of());
  }

  @Override
  public String keptIn() {
    return "the journal file " + file + " (sent again, same ids, when a node starts with this COMMAND_JOURNAL_DIR)";
  }

  @Override
  public Future<Void> close() {
    if (closing == null) {
      closing = Promise.promise();
      if (!writing) {
        release();
      }
    }
    return closing.future();
  }

  // ---- owner context ----

  private Future<Void> append(JsonObject entry) {
    if (channel == null || closing != null) {
      return Future.failedFuture(new IllegalStateException("the command journal " + file + " is not open"));
    }
    Promise<Void> written = Promise.promise();
    pending.add(new Line((entry.encode() + "\n").getBytes(StandardCharsets.UTF_8), written));
    if (!writing) {
      writeBatch();
    }
    return written.future();
  }

  private void writeBatch() {
    List<Line> batch = new ArrayList<>(pending);
    pending.clear();
    writing = true;
    int size = 0;
    for (Line l : batch) {
      size += l.bytes().length;
    }
    ByteBuffer buffer = ByteBuffer.allocate(size);
    batch.forEach(l -> buffer.put(l.bytes()));
    buffer.flip();
    bytes += size;
    // Every line written so far is in this batch or before it: with nothing open, all of it can go.
    boolean truncate = open == 0 && bytes > TRUNCATE_AFTER_BYTES;
    if (truncate) {
      bytes = 0;
    }
    worker.<Void>executeBlocking(() -> {
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      if (truncate) {
        channel.truncate(0);
      }
      channel.force(false);
      return null;
    }, true).onComplete(ar -> {
      writing = false;
      if (ar.failed()) {
        log.error("command journal {}: write failed: {}", file, ar.cause().toString());
      }
      batch.forEach(l -> l.written().handle(ar));
      if (!pending.isEmpty()) {
        writeBatch();
      } else if (closing != null) {
        release();
      }
    });
  }

  private void release() {
    if (worker == null) {
      closing.complete();
      return;
    }
    worker.<Void>executeBlocking(() -> {
      try (FileChannel c = channel; FileChannel l = lockChannel) {
        if (lock != null) {
          lock.release();
        }
      }
      return null;
    }, true).onComplete(ar -> {
      worker.close();
      closing.handle(ar);
    });
  }

  // ---- worker thread ----

  private List<GatewayCommand> openAndCompact() throws IOException {
    Files.createDirectories(dir);
    lockDirectory();
    Map<String, JsonObject> live = readLive();
    List<GatewayCommand> commands = new ArrayList<>(live.size());
    StringBuilder compacted = new StringBuilder();
    for (JsonObject c : live.values()) {
      try {
        commands.add(GatewayCommand.fromJson(c));
        compacted.append(new JsonObject().put("op", "queued").put("command", c).encode()).append('\n');
      } catch (RuntimeException e) {
        log.warn("command journal {}: skipped command {}: {}", file, c.getString("id"), e.toString());
      }
    }
    Path tmp = dir.resolve(FILE + ".tmp");
    byte[] content = compacted.toString().getBytes(StandardCharsets.UTF_8);
    try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer b = ByteBuffer.wrap(content);
      while (b.hasRemaining()) {
        out.write(b);
      }
      out.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    forceDirectory();
    channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    bytes = content.length;
    log.info("command journal {}: {} command(s) kept from an earlier run", file, commands.size());
    return commands;
  }

  /** One node per directory: the lock file is held for the journal's life. */
  private void lockDirectory() throws IOException {
    lockChannel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      lock = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      lockChannel.close();
      throw new IllegalStateException("COMMAND_JOURNAL_DIR " + dir + " is in use by another bridge node (" + LOCK
          + " is locked): give each node a directory of its own");
    }
  }

  /** The commands the file says are still queued, in their order (unreadable lines are skipped). */
  private Map<String, JsonObject> readLive() throws IOException {
    Map<String, JsonObject> live = new LinkedHashMap<>();
    int unreadable = 0;
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        try {
          JsonObject entry = new JsonObject(line);
          switch (entry.getString("op", "")) {
            case "queued" -> {
              JsonObject c = entry.getJsonObject("command");
              live.put(c.getString("id"), c);
            }
            case "ended" -> live.remove(entry.getString("id"));
            default -> unreadable++;
          }
        } catch (RuntimeException e) {
          unreadable++;
        }
      }
    }
    if (unreadable > 0) {
      log.warn("command journal {}: skipped {} unreadable line(s) (a write cut short by a crash is never answered 202)",
          file, unreadable);
    }
    return live;
  }

  /** Makes the rename durable (Linux: fsync of the directory; elsewhere it may not be supported). */
  private void forceDirectory() {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // not supported on this platform: the rename is durable once the file system flushes its metadata
    }
  }
}
