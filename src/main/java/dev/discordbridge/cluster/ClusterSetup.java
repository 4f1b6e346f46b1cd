package dev.discordbridge.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import dev.discordbridge.config.BridgeConfig;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Hazelcast for the clustered EventBus: members found by configured TCP/IP addresses (no
 * multicast), bound to {@code CLUSTER_HOST} only, dead members dropped after
 * {@code CLUSTER_MEMBER_TIMEOUT_SECONDS}.
 */
public final class ClusterSetup {
  private ClusterSetup() {}

  public static HazelcastClusterManager clusterManager(BridgeConfig config) {
    return new HazelcastClusterManager(hazelcastConfig(config.cluster()));
  }

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
    var tcp = join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(1);
    c.members().forEach(tcp::addMember);

    if (c.quorum() > 1) {
      hz.addSplitBrainProtectionConfig(new SplitBrainProtectionConfig("bridge-quorum", true, c.quorum()));
    }
    var lease = new MapConfig(HazelcastLinkLease.MAP).setBackupCount(1).setAsyncBackupCount(0);
    if (c.quorum() > 1) {
      lease.setSplitBrainProtectionName("bridge-quorum");
    }
    hz.addMapConfig(lease);
    // Accepted commands outlive the member that accepted them (command journal).
    hz.addMapConfig(new MapConfig("bridge.commands.pending").setBackupCount(1));
    hz.addMultiMapConfig(new MultiMapConfig("__vertx.subs").setBackupCount(1));
    hz.addMapConfig(new MapConfig("__vertx.haInfo").setBackupCount(1));
    hz.addMapConfig(new MapConfig("__vertx.nodeInfo").setBackupCount(1));
    return hz;
  }
}
