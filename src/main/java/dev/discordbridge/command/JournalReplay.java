package dev.discordbridge.command;

import dev.discordbridge.contract.GatewayCommand;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays a journal file's bytes at start: the commands still open (each checked by
 * {@link ReplayCheck} before it may be sent again), the Idempotency-Keys still kept, and the
 * compacted file that replaces the old one. Whatever cannot be read is skipped with a WARN that
 * names the file and the entry's byte offset (at most {@link #MAX_LINES_LOGGED} such lines, then
 * one count).
 */
final class JournalReplay {
  private static final Logger log = LoggerFactory.getLogger(FileCommandJournal.class);
  static final int MAX_LINES_LOGGED = 20;

  /** The open commands and kept keys, and the compacted file's content. */
  record Result(CommandJournal.Recovery recovery, byte[] compacted) {}

  private final String file;
  private int logged;
  private int notLogged;

  JournalReplay(String file) {
    this.file = file;
  }

  Result replay(byte[] bytes, long nowMs) {
    JournalFrames.Read read = JournalFrames.read(bytes);
    read.skipped().forEach(s -> warn("skipped the unreadable entry at byte offset {} ({})", s.offset(), s.reason()));
    if (read.tornTail() != null) {
      warn("skipped a torn last entry at byte offset {} ({}: a write cut short by a crash or a full disk; "
          + "such a command was never answered 202)", read.tornTail().offset(), read.tornTail().reason());
    }
    ReplayCheck check = new ReplayCheck();
    Map<String, CommandJournal.Kept> live = new LinkedHashMap<>();
    Map<String, CommandJournal.KeptKey> keys = new LinkedHashMap<>();
    for (JournalFrames.Entry e : read.entries()) {
      JsonObject entry = e.json();
      switch (String.valueOf(entry.getValue("op"))) {
        case "queued" -> {
          Object command = entry.getValue("command");
          String problem = check.problem(command, nowMs);
          Object key = entry.getValue("key");
          if (problem == null && key != null && !(key instanceof String)) {
            problem = "its Idempotency-Key is not a string";
          }
          if (problem != null) {
            Object id = command instanceof JsonObject c ? c.getValue("id") : null;
            warn("skipped command {} at byte offset {}: {}; it is not sent", id == null ? "(no id)" : id, e.offset(), problem);
          } else {
            GatewayCommand c = GatewayCommand.fromJson((JsonObject) command);
            live.put(c.id(), new CommandJournal.Kept(c, (String) key));
          }
        }
        case "ended" -> live.remove(String.valueOf(entry.getValue("id")));
        case "key" -> {
          CommandJournal.KeptKey k = CommandJournal.KeptKey.fromJson(entry);
          if (k == null) {
            warn("skipped the malformed key entry at byte offset {}", e.offset());
          } else if (k.expiresAt() > nowMs) {
            keys.put(IdempotencyStore.mapKey(k.userId(), k.key()), k);
          }
        }
        default -> warn("skipped the entry at byte offset {} (unknown op {})", e.offset(), entry.getValue("op"));
      }
    }
    if (notLogged > 0) {
      log.warn("command journal {}: {} more entry(ies) skipped, not logged one by one", file, notLogged);
    }
    var out = new ByteArrayOutputStream();
    for (CommandJournal.Kept k : live.values()) {
      out.writeBytes(JournalFrames.frame(queued(k.command(), k.idempotencyKey())));
    }
    for (CommandJournal.KeptKey k : keys.values()) {
      out.writeBytes(JournalFrames.frame(key(k)));
    }
    return new Result(new CommandJournal.Recovery(List.copyOf(live.values()), new ArrayList<>(keys.values())),
        out.toByteArray());
  }

  static JsonObject queued(GatewayCommand command, String idempotencyKey) {
    JsonObject entry = new JsonObject().put("op", "queued").put("command", command.toJson());
    return idempotencyKey == null ? entry : entry.put("key", idempotencyKey);
  }

  static JsonObject ended(String commandId) {
    return new JsonObject().put("op", "ended").put("id", commandId);
  }

  static JsonObject key(CommandJournal.KeptKey k) {
    return new JsonObject().put("op", "key").mergeIn(k.toJson());
  }

  private void warn(String what, Object... args) {
    if (logged >= MAX_LINES_LOGGED) {
      notLogged++;
      return;
    }
    logged++;
    Object[] all = new Object[args.length + 1];
    all[0] = file;
    System.arraycopy(args, 0, all, 1, args.length);
    log.warn("command journal {}: " + what, all);
  }
}
