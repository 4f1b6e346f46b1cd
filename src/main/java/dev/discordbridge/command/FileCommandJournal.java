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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command journal of a node on its own: an append-only file {@code commands.journal} under
 * {@code COMMAND_JOURNAL_DIR}, one entry a line, each a JSON object followed by a tab and its
 * CRC-32C ({@link JournalFrames}):
 * <pre>
 * {"op":"queued","command":{...the command frame...},"key":"order-42"}	1a2b3c4d
 * {"op":"key","userId":"...","key":"order-42","commandId":"cmd_...","reply":{...},"expiresAt":1796618281433}	5e6f7a8b
 * {"op":"ended","id":"cmd_..."}	9c0d1e2f
 * </pre>
 * A {@code queued} line (with the request's Idempotency-Key, if any) is written and forced to the
 * storage device ({@link FileChannel#force}, i.e. fdatasync) before {@link #record} completes, so
 * a 202 is answered only for a command that survives a crash of the process or of the machine.
 * A {@code key} line keeps an ended command's key and answer until the key expires
 * ({@code IDEMPOTENCY_TTL_MS}). Writes are group-committed: the lines that arrive while one write
 * is on the disk go together in the next one (one fsync for a burst). All file work runs on one
 * worker thread of its own, never on an event loop. A write that fails (a full disk) is cut back
 * to the last whole line, and the next write starts on a fresh line in any case, so a fragment is
 * never glued to the entry after it.
 *
 * <p>On start ({@link #recover}) the file is read as bytes and compacted ({@link JournalReplay}):
 * the commands without an {@code ended} line and the keys not yet expired are rewritten to a new
 * file that atomically replaces the old one, and returned. A torn or damaged line is skipped with
 * a WARN naming the file and its byte offset; a command that is not well formed is skipped and
 * logged, never sent. While the node runs, the file is emptied (the live keys written again)
 * whenever no command is open and it has grown past {@link #TRUNCATE_AFTER_BYTES}. A lock file
 * keeps a second process off the same directory.
 */
public final class FileCommandJournal implements CommandJournal {
  private static final Logger log = LoggerFactory.getLogger(FileCommandJournal.class);
  public static final String FILE = "commands.journal";
  static final String LOCK = "journal.lock";
  static final long TRUNCATE_AFTER_BYTES = 4L * 1024 * 1024;
  /** At most this many ended commands' keys are kept; past it the soonest to expire go first. */
  static final int MAX_KEPT_KEYS = 100_000;

  private record Line(byte[] bytes, Promise<Void> written) {}

  private final Vertx vertx;
  private final UnaryOperator<FileChannel> wrap;
  private final long truncateAfterBytes;
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
  /** The last write failed: the next one starts with an end of line (an empty line is skipped on reading). */
  private boolean freshLine;
  /** Keys of ended commands, not yet expired, with their lines' size: written again when the file is emptied. */
  private final LinkedHashMap<String, CommandJournal.KeptKey> keys = new LinkedHashMap<>();
  private long keyBytes;
  // worker thread only: the file's size after the last write that succeeded
  private volatile long committed;

  public FileCommandJournal(Vertx vertx, Path dir) {
    this(vertx, dir, UnaryOperator.identity(), TRUNCATE_AFTER_BYTES);
  }

  /**
   * @param wrap wraps the channel entries are appended to (tests: a disk that fills up mid-write)
   * @param truncateAfterBytes dead bytes past which the file is emptied when no command is open
   */
  FileCommandJournal(Vertx vertx, Path dir, UnaryOperator<FileChannel> wrap, long truncateAfterBytes) {
    this.wrap = wrap;
    this.truncateAfterBytes = truncateAfterBytes;
    this.vertx = vertx;
    this.dir = dir.toAbsolutePath().normalize();
    this.file = this.dir.resolve(FILE);
  }

  public Path file() {
    return file;
  }

  @Override
  public Future<Recovery> recover() {
    worker = vertx.createSharedWorkerExecutor("bridge-command-journal-" + System.identityHashCode(this), 1);
    return worker.executeBlocking(this::openAndCompact, true)
        .onSuccess(r -> {
          open = r.commands().size();
          r.keys().forEach(this::remember);
        })
        .onFailure(err -> worker.close());
  }

  @Override
  public Future<Void> record(GatewayCommand command) {
    return record(command, null);
  }

  @Override
  public Future<Void> record(GatewayCommand command, String idempotencyKey) {
    open++;
    return append(JournalReplay.queued(command, idempotencyKey));
  }

  @Override
  public void keepKey(CommandJournal.KeptKey key) {
    if (key.expiresAt() > System.currentTimeMillis() && channel != null && closing == null) {
      remember(key);
      append(JournalReplay.key(key));
    }
  }

  @Override
  public void forget(String commandId) {
    open--;
    append(JournalReplay.ended(commandId));
  }

  private void remember(CommandJournal.KeptKey key) {
    String k = IdempotencyStore.mapKey(key.userId(), key.key());
    CommandJournal.KeptKey old = keys.remove(k);
    if (old != null) {
      keyBytes -= JournalFrames.frame(JournalReplay.key(old)).length;
    }
    keys.put(k, key);
    keyBytes += JournalFrames.frame(JournalReplay.key(key)).length;
    if (keys.size() > MAX_KEPT_KEYS) {
      var first = keys.entrySet().iterator().next();
      keyBytes -= JournalFrames.frame(JournalReplay.key(first.getValue())).length;
      keys.remove(first.getKey());
    }
  }

  /** The kept keys' lines, expired ones dropped first (for an emptied file). */
  private byte[] liveKeyLines() {
    long now = System.currentTimeMillis();
    keys.values().removeIf(k -> k.expiresAt() <= now);
    var out = new java.io.ByteArrayOutputStream();
    keys.values().forEach(k -> out.writeBytes(JournalFrames.frame(JournalReplay.key(k))));
    keyBytes = out.size();
    return out.toByteArray();
  }

  @Override
  public Future<List<Kept>> adoptOrphans() {
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
    pending.add(new Line(JournalFrames.frame(entry), written));
    if (!writing) {
      writeBatch();
    }
    return written.future();
  }

  private void writeBatch() {
    List<Line> batch = new ArrayList<>(pending);
    pending.clear();
    writing = true;
    // Every line written so far is in this batch or before it: with nothing open, all of it can
    // go but the kept keys, which are written again into the emptied file.
    boolean truncate = open == 0 && bytes - keyBytes > truncateAfterBytes;
    var out = new java.io.ByteArrayOutputStream();
    if (freshLine) {
      out.write('\n');
    }
    if (truncate) {
      out.writeBytes(liveKeyLines());
    } else {
      batch.forEach(l -> out.writeBytes(l.bytes()));
    }
    ByteBuffer buffer = ByteBuffer.wrap(out.toByteArray());
    bytes = (truncate ? 0 : bytes) + buffer.remaining();
    worker.<Void>executeBlocking(() -> {
      try {
        if (truncate) {
          channel.truncate(0);
          committed = 0;
        }
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(false);
        committed = channel.size();
      } catch (IOException e) {
        cutBack();
        throw e;
      }
      return null;
    }, true).onComplete(ar -> {
      writing = false;
      freshLine = ar.failed();
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

  /** After a failed write: back to the last whole line, so that no fragment stays (best effort: the next write starts a fresh line anyway). */
  private void cutBack() {
    try {
      channel.truncate(committed);
    } catch (IOException | RuntimeException e) {
      log.warn("command journal {}: could not cut a failed write back to byte {}: {}", file, committed, e.toString());
    }
  }

  private Recovery openAndCompact() throws IOException {
    Files.createDirectories(dir);
    lockDirectory();
    byte[] old = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
    JournalReplay.Result replay = new JournalReplay(file.toString()).replay(old, System.currentTimeMillis());
    Path tmp = dir.resolve(FILE + ".tmp");
    byte[] content = replay.compacted();
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
    channel = wrap.apply(FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND));
    committed = content.length;
    bytes = content.length;
    log.info("command journal {}: {} command(s) and {} Idempotency-Key(s) kept from an earlier run", file,
        replay.recovery().commands().size(), replay.recovery().keys().size());
    return replay.recovery();
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

  /** Makes the rename durable (Linux: fsync of the directory; elsewhere it may not be supported). */
  private void forceDirectory() {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // not supported on this platform: the rename is durable once the file system flushes its metadata
    }
  }
}
