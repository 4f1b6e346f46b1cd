package dev.discordbridge.sim;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo cluster's one simulated upstream: every event frame a node's embedded hub sends is
 * first written to a cluster-wide map (Vert.x shared data, Hazelcast when clustered), with the
 * session's last seq. When the link holder dies with its hub, the next holder's own hub takes the
 * session over from this log on the link's {@code resume}: it replays what the bridge has not yet
 * received and goes on with the same session, so no stream sees a {@code reset}. A resume the
 * log cannot serve whole (an unknown session, missing frames) is refused as usual.
 */
public final class SharedHubLog {
  static final String MAP = "bridge.demo.hub";
  /** Frames are kept this long: a failover comes within seconds. */
  static final long TTL_MS = 10 * 60_000;

  /** What the log holds for a resume: the session's last seq and the frames after the resume position, in order. */
  record Tail(long lastSeq, List<String> frames) {}

  private final Future<AsyncMap<String, String>> map;

  private SharedHubLog(Vertx vertx) {
    this.map = vertx.sharedData().getClusterWideMap(MAP);
  }

  /** The log in the cluster's shared data (a node alone gets a node-local map). */
  public static SharedHubLog clusterWide(Vertx vertx) {
    return new SharedHubLog(vertx);
  }

  /** Records frame {@code seq} of {@code sessionId}, then the session's last seq. */
  Future<Void> record(String sessionId, long seq, String frame) {
    return map.compose(m -> m.put(sessionId + ":" + seq, frame, TTL_MS)
        .compose(v -> m.put(sessionId, Long.toString(seq), TTL_MS)));
  }

  /** The frames after {@code after} (null: from the start), or null when the log cannot serve that resume whole. */
  Future<Tail> tail(String sessionId, Long after, int max) {
    long from = after == null ? 0 : after;
    return map.compose(m -> m.get(sessionId).compose(last -> {
      if (last == null || from < 0 || from > Long.parseLong(last) || Long.parseLong(last) - from > max) {
        return Future.succeededFuture(null);
      }
      long lastSeq = Long.parseLong(last);
      List<Future<String>> reads = new ArrayList<>();
      for (long seq = from + 1; seq <= lastSeq; seq++) {
        reads.add(m.get(sessionId + ":" + seq));
      }
      return Future.all(reads).map(all -> {
        List<String> frames = new ArrayList<>(reads.size());
        for (Future<String> f : reads) {
          if (f.result() == null) {
            return null;
          }
          frames.add(f.result());
        }
        return new Tail(lastSeq, frames);
      });
    }));
  }
}
