package dev.discordbridge.testing;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.util.UUID;

/** A single Hazelcast member on loopback with a cluster name of its own (no discovery at all), for store tests. */
public final class LoneHazelcast {
  private LoneHazelcast() {}

  public static HazelcastInstance start(String prefix) {
    var c = new Config().setClusterName(prefix + "-" + UUID.randomUUID());
    c.setProperty("hazelcast.phone.home.enabled", "false");
    c.setProperty("hazelcast.logging.type", "slf4j");
    c.setProperty("hazelcast.socket.bind.any", "false");
    c.setProperty("hazelcast.shutdownhook.enabled", "false");
    var net = c.getNetworkConfig().setPort(0).setPortAutoIncrement(true);
    net.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    net.getJoin().getMulticastConfig().setEnabled(false);
    net.getJoin().getAutoDetectionConfig().setEnabled(false);
    net.getJoin().getTcpIpConfig().setEnabled(false);
    return Hazelcast.newHazelcastInstance(c);
  }
}
