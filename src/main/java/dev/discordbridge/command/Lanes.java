package dev.discordbridge.command;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The channel lanes of the {@link CommandQueue}: one command per channel at a time (in flight or
 * waiting for its retry), at most {@code COMMAND_MAX_IN_FLIGHT} channels at once, one attempt
 * when the breaker is half-open. Pure bookkeeping, owner context only; the watchdog's checks
 * ({@link #overdue}, {@link #dropOrphans}) guarantee that no lane stays taken for good.
 */
final class Lanes {
  private final Set<String> busy = new HashSet<>();
  /** Attempts in flight now (not those waiting for their retry). */
  private int sending;

  int busy() {
    return busy.size();
  }

  int sending() {
    return sending;
  }

  /**
   * The commands to start now, in queue order: the oldest of each free channel, within the limit
   * (a half-open breaker's probe counts only attempts in flight, so that lanes waiting for their
   * retry never keep the probe from starting).
   */
  List<PendingCommand> startable(Collection<PendingCommand> queue, boolean probing, int maxInFlight) {
    Set<String> passed = new HashSet<>();
    List<PendingCommand> start = new ArrayList<>();
    for (PendingCommand p : queue) {
      if (probing ? sending + start.size() >= 1 : busy.size() + start.size() >= maxInFlight) {
        break;
      }
      String lane = p.lane();
      if (!p.active && !busy.contains(lane) && passed.add(lane)) {
        start.add(p);
      } else {
        passed.add(lane); // later commands of this channel wait behind this one
      }
    }
    return start;
  }

  /** Takes the command's lane for an attempt due to end by {@code deadline}; returns the attempt's turn. */
  int startAttempt(PendingCommand p, long deadline) {
    if (!p.active) {
      p.active = true;
      busy.add(p.lane());
    }
    if (!p.sending) {
      p.sending = true;
      sending++;
    }
    p.deadline = deadline;
    return ++p.turn;
  }

  /** The attempt in flight came back; the lane stays taken (the command ends or waits for its retry). */
  void attemptEnded(PendingCommand p) {
    if (p.sending) {
      p.sending = false;
      sending--;
    }
  }

  /** The command's lane is free again (it ended, or its retry is due and it waits its turn again). */
  void release(PendingCommand p) {
    attemptEnded(p);
    if (p.active) {
      p.active = false;
      p.turn++;
      busy.remove(p.lane());
    }
  }

  /** Frees and returns the lanes held past their deadline: a late result of their turn is then ignored. */
  List<PendingCommand> overdue(Collection<PendingCommand> queue, long now) {
    List<PendingCommand> stuck = new ArrayList<>();
    for (PendingCommand p : queue) {
      if (p.active && now > p.deadline) {
        stuck.add(p);
      }
    }
    stuck.forEach(this::release);
    return stuck;
  }

  /** Frees lanes taken by no command of the queue (and recounts attempts in flight); true if any was. */
  boolean dropOrphans(Collection<PendingCommand> queue) {
    Set<String> held = new HashSet<>();
    int inFlight = 0;
    for (PendingCommand p : queue) {
      if (p.active) {
        held.add(p.lane());
      }
      inFlight += p.sending ? 1 : 0;
    }
    boolean changed = busy.retainAll(held) || inFlight != sending;
    sending = inFlight;
    return changed;
  }
}
