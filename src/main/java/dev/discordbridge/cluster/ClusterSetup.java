package dev.discordbridge.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import dev.discordbridge.config.BridgeConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Hazelcast for the clustered EventBus: members found by configured TCP/IP addresses, or in
 * Kubernetes by the DNS name of a headless Service (CLUSTER_KUBERNETES_SERVICE_DNS; no multicast), bound to {@code CLUSTER_HOST} only, dead members dropped after
 * {@code CLUSTER_MEMBER_TIMEOUT_SECONDS}.
 */
public final class ClusterSetup {
  private ClusterSetup() {}

  private static final Logger log = LoggerFactory.getLogger(ClusterSetup.class);

  /**
   * A CLUSTER_MEMBERS entry as IP addresses: Hazelcast 5.3's TCP/IP joiner never contacts a member
   * given by host name when interfaces are configured (seen with compose's container names), so
   * names are resolved here. A name that does not resolve yet (a container not started) is left out:
   * that member finds this one when it starts.
   */
  static List<String> resolved(String member) {
    int colon = member.lastIndexOf(':');
    boolean hasPort = colon > 0 && member.indexOf(':') == colon;
    String host = hasPort ? member.substring(0, colon) : member;
    String port = hasPort ? member.substring(colon) : "";
    if (host.matches("[0-9.]+") || host.contains(":")) {
      return List.of(member);
    }
    try {
      return Arrays.stream(InetAddress.getAllByName(host)).map(a -> a.getHostAddress() + port).distinct().toList();
    } catch (UnknownHostException e) {
      log.warn("CLUSTER_MEMBERS: {} does not resolve now; left out (it finds this node when it starts)", host);
      return List.of();
    }
  }

  public static HazelcastClusterManager clusterManager(BridgeConfig config) {
    return new HazelcastClusterManager(hazelcastConfig(config.cluster()));
  }

  static final int BACKUPS = 2;

  public static Config hazelcastConfig(BridgeConfig.Cluster c) {
    var hz = new Config();
    hz.setClusterName(c.name());
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.socket.bind.any", "false");
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.wait.seconds.before.join", "0");
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(c.memberTimeoutSeconds()));
    hz.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    hz.setProperty("hazelcast.shutdownhook.enabled", "false");

    var network = hz.getNetworkConfig();
    network.setPort(c.port()).setPortAutoIncrement(true).setPortCount(20);
    network.getInterfaces().setEnabled(true).addInterface(c.host());
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (c.kubernetesServiceDns() != null) {
      // Kubernetes: the pods behind a headless Service, found by DNS (no API access needed).
      join.getKubernetesConfig().setEnabled(true).setProperty("service-dns", c.kubernetesServiceDns())
          .setProperty("service-port", String.valueOf(c.port()));
    } else {
      var tcp = join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(1);
      c.members().forEach(m -> resolved(m).forEach(tcp::addMember));
    }

    if (c.quorum() > 1) {
      hz.addSplitBrainProtectionConfig(new SplitBrainProtectionConfig("bridge-quorum", true, c.quorum()));
    }
    // Two synchronous backups (Hazelcast keeps at most members - 1): losing two members before
    // the partitions re-replicate must not lose the EventBus subscriptions (a node would stop
    // receiving events), the link lease, buckets, idempotency keys or journaled commands.
    var lease = new MapConfig(HazelcastLinkLease.MAP).setBackupCount(BACKUPS).setAsyncBackupCount(0);
    if (c.quorum() > 1) {
      lease.setSplitBrainProtectionName("bridge-quorum");
    }
    hz.addMapConfig(lease);
    var shards = new MapConfig(HazelcastShardRecords.MAP).setBackupCount(BACKUPS).setAsyncBackupCount(0);
    if (c.quorum() > 1) {
      shards.setSplitBrainProtectionName("bridge-quorum");
    }
    hz.addMapConfig(shards);
    for (String map : List.of("bridge.commands.pending", "bridge.command.idempotency", "bridge.ratelimit.buckets",
        HazelcastPacer.MAP, HazelcastIdentifyBudget.MAP, "__vertx.haInfo", "__vertx.nodeInfo")) {
      hz.addMapConfig(new MapConfig(map).setBackupCount(BACKUPS));
    }
    hz.addMultiMapConfig(new MultiMapConfig("__vertx.subs").setBackupCount(BACKUPS));
    return hz;
  }
}
