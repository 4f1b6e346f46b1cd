package dev.discordbridge.link;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.ClusterStatus;
import dev.discordbridge.bus.Handover;
import dev.discordbridge.contract.StreamEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A link handover in a cluster (docs/cluster.md, "Failover"). A holder that dies in the middle
 * of publishing an event leaves some nodes with it and some without. Before a new holder
 * publishes anything it asks every node for the last stream id it saw ({@link Handover}), takes
 * the events between the shortest and the longest of those from the node that has them, and
 * hands them back ({@link Result}) to be republished under their own ids: a node that has one
 * drops it, a node that lacks it delivers it, in order, before anything of the new term. The
 * upstream then resumes after the last of them, so nothing is lost and nothing is published
 * twice under two ids.
 *
 * <p>Every gateway serves the queries from its start ({@link #serve}); runs on the gateway
 * verticle's context.
 */
final class TermHandover {
  private static final Logger log = LoggerFactory.getLogger(TermHandover.class);
  /** Events each node keeps for a handover: far more than can be in flight when a holder dies. */
  static final int RECENT_CAPACITY = 4_096;
  /** How long a new holder waits for the other members' reports (a dead one never answers). */
  static final long REPORT_WAIT_MS = 500;
  private static final long FETCH_TIMEOUT_MS = 3_000;

  /** What to republish before the new term starts; {@code complete} false: some node's gap cannot be filled. */
  record Result(List<StreamEvent> events, boolean complete) {
    static final Result NOTHING = new Result(List.of(), true);
  }

  /** The range some nodes lack: ids in {@code (after, through]}, held by {@code source} (null: this node). */
  record Gap(long after, long through, String source) {}

  private final Vertx vertx;
  private final String nodeId;
  private final RecentEvents recent;
  private final String fetchAddress;
  private final long reportWaitMs;
  private Collecting collecting;

  TermHandover(Vertx vertx, String nodeId, RecentEvents recent, long reportWaitMs) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.recent = recent;
    this.reportWaitMs = reportWaitMs;
    this.fetchAddress = Addresses.HANDOVER_FETCH_PREFIX + nodeId + "." + UUID.randomUUID();
  }

  /** Answers other holders' queries and fetches; the future completes once the consumers are registered cluster-wide. */
  Future<Void> serve() {
    var bus = vertx.eventBus();
    var queries = bus.<Handover.Query>consumer(Addresses.HANDOVER_QUERY, m -> {
      if (!nodeId.equals(m.body().nodeId())) {
        bus.publish(Addresses.HANDOVER_REPORT, new Handover.Report(m.body().queryId(), nodeId, recent.tail(), fetchAddress));
      }
    });
    var reports = bus.<Handover.Report>consumer(Addresses.HANDOVER_REPORT, m -> {
      if (collecting != null) {
        collecting.add(m.body());
      }
    });
    var fetches = bus.<Handover.Fetch>consumer(fetchAddress, m -> {
      Handover.Fetch f = m.body();
      m.reply(new Handover.Events(recent.covers(f.after()),
          recent.range(f.after(), f.through()).stream().map(StreamEvent::wire).toList()));
    });
    return Future.all(queries.completion(), reports.completion(), fetches.completion()).mapEmpty();
  }

  /**
   * Finds what some surviving node lacks. Not clustered, or alone: nothing. A peer that cannot
   * be fetched from: what this node holds of the gap, and {@code complete} false.
   */
  Future<Result> run() {
    return members().compose(members -> {
      if (members <= 1) {
        return Future.succeededFuture(Result.NOTHING);
      }
      return collect(members - 1).compose(reports -> {
        Gap gap = plan(recent.tail(), reports);
        if (gap == null) {
          return Future.succeededFuture(Result.NOTHING);
        }
        log.info("handover: {} reports; filling stream ids after {} through {} from {}", reports.size(), gap.after(),
            gap.through(), gap.source() == null ? "this node" : gap.source());
        return gap.source() == null ? Future.succeededFuture(fromHere(gap)) : fetch(gap);
      });
    });
  }

  /**
   * The gap between the shortest and the longest event sequence among this node ({@code ownTail})
   * and the reports; null when every node that saw anything saw the same last id.
   */
  static Gap plan(long ownTail, List<Handover.Report> reports) {
    long min = ownTail < 0 ? Long.MAX_VALUE : ownTail;
    long max = ownTail;
    String source = null;
    for (Handover.Report r : reports) {
      if (r.tail() < 0) {
        continue; // a node that saw nothing yet: it has no sequence to complete
      }
      min = Math.min(min, r.tail());
      if (r.tail() > max) {
        max = r.tail();
        source = r.fetchAddress();
      }
    }
    return max < 0 || min >= max ? null : new Gap(min, max, source);
  }

  private Result fromHere(Gap gap) {
    return new Result(recent.range(gap.after(), gap.through()), recent.covers(gap.after()));
  }

  private Future<Result> fetch(Gap gap) {
    return vertx.eventBus().<Handover.Events>request(gap.source(), new Handover.Fetch(gap.after(), gap.through()),
            new DeliveryOptions().setSendTimeout(FETCH_TIMEOUT_MS))
        .map(m -> new Result(m.body().events().stream().map(StreamEvent.Wire::event).toList(), m.body().complete()))
        .recover(err -> {
          log.warn("handover: could not fetch stream ids after {} through {} from {} ({}); every stream will be reset",
              gap.after(), gap.through(), gap.source(), err.getMessage());
          return Future.succeededFuture(new Result(recent.range(gap.after(), gap.through()), false));
        });
  }

  /** The cluster's size as this node sees it; 1 when the node is not clustered. */
  private Future<Integer> members() {
    return ClusterStatus.query(vertx, 2_000)
        .map(ClusterStatus::members)
        .recover(err -> {
          log.warn("handover: cluster size unknown ({}); waiting {} ms for reports", err.getMessage(), reportWaitMs);
          return Future.succeededFuture(Integer.MAX_VALUE);
        });
  }

  /** Publishes a query and gathers reports until {@code expected} came or the wait is over. */
  private Future<List<Handover.Report>> collect(int expected) {
    Collecting c = new Collecting(UUID.randomUUID().toString(), expected);
    collecting = c;
    c.timer = vertx.setTimer(reportWaitMs, id -> c.finish());
    vertx.eventBus().publish(Addresses.HANDOVER_QUERY, new Handover.Query(nodeId, c.queryId));
    return c.done.future().onComplete(ar -> {
      if (collecting == c) {
        collecting = null;
      }
    });
  }

  private final class Collecting {
    final String queryId;
    final int expected;
    final List<Handover.Report> reports = new ArrayList<>();
    final Promise<List<Handover.Report>> done = Promise.promise();
    long timer = -1;

    Collecting(String queryId, int expected) {
      this.queryId = queryId;
      this.expected = expected;
    }

    void add(Handover.Report r) {
      if (!queryId.equals(r.queryId()) || nodeId.equals(r.nodeId())) {
        return;
      }
      reports.removeIf(previous -> previous.fetchAddress().equals(r.fetchAddress()));
      reports.add(r);
      if (reports.size() >= expected) {
        finish();
      }
    }

    void finish() {
      vertx.cancelTimer(timer);
      done.tryComplete(List.copyOf(reports));
    }
  }
}
