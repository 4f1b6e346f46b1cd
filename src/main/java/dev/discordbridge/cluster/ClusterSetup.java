package dev.discordbridge.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import dev.discordbridge.config.BridgeConfig;
import java.util.List;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Hazelcast for the clustered EventBus: members found by configured TCP/IP addresses, or in
 * Kubernetes by the DNS name of a headless Service (CLUSTER_KUBERNETES_SERVICE_DNS; no multicast), bound to {@code CLUSTER_HOST} only, dead members dropped after
 * {@code CLUSTER_MEMBER_TIMEOUT_SECONDS}.
 */
public final class ClusterSetup {
  private ClusterSetup() {}

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
      c.members().forEach(tcp::addMember);
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
    for (String map : List.of("bridge.commands.pending", "bridge.command.idempotency", "bridge.ratelimit.buckets",
        HazelcastPacer.MAP, "__vertx.haInfo", "__vertx.nodeInfo")) {
      hz.addMapConfig(new MapConfig(map).setBackupCount(BACKUPS));
    }
    hz.addMultiMapConfig(new MultiMapConfig("__vertx.subs").setBackupCount(BACKUPS));
    return hz;
  }
}
