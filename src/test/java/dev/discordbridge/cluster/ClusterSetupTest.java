package dev.discordbridge.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.JoinConfig;
import dev.discordbridge.config.BridgeConfig;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CLUSTER_KUBERNETES_SERVICE_DNS turns Hazelcast's Kubernetes discovery (DNS lookup) on in place of TCP/IP. */
class ClusterSetupTest {
  private static JoinConfig join(JsonObject settings) {
    return ClusterSetup.hazelcastConfig(BridgeConfig.parse(settings).cluster()).getNetworkConfig().getJoin();
  }

  @Test
  void tcpIpMembersByDefault() {
    JoinConfig join = join(new JsonObject().put("CLUSTER_MEMBERS", "10.0.0.1,10.0.0.2"));
    assertTrue(join.getTcpIpConfig().isEnabled());
    assertEquals(List.of("10.0.0.1", "10.0.0.2"), join.getTcpIpConfig().getMembers());
    assertFalse(join.getKubernetesConfig().isEnabled());
    assertFalse(join.getMulticastConfig().isEnabled());
  }

  @Test
  void memberNamesAreResolvedToAddressesAndUnknownOnesLeftOut() {
    assertEquals(List.of("127.0.0.1:5701"), ClusterSetup.resolved("localhost:5701").stream()
        .filter(a -> a.startsWith("127.")).toList());
    assertEquals(List.of("10.0.0.7:5702"), ClusterSetup.resolved("10.0.0.7:5702"));
    assertEquals(List.of(), ClusterSetup.resolved("no-such-member.invalid"));
  }

  @Test
  void kubernetesDiscoveryByTheHeadlessServicesName() {
    JoinConfig join = join(new JsonObject().put("CLUSTER_KUBERNETES_SERVICE_DNS", "bridge-hazelcast.chat.svc.cluster.local")
        .put("CLUSTER_PORT", "5701"));
    assertTrue(join.getKubernetesConfig().isEnabled());
    assertEquals("bridge-hazelcast.chat.svc.cluster.local", join.getKubernetesConfig().getProperty("service-dns"));
    assertEquals("5701", join.getKubernetesConfig().getProperty("service-port"));
    assertFalse(join.getTcpIpConfig().isEnabled());
    assertFalse(join.getMulticastConfig().isEnabled());
    assertFalse(join.getAutoDetectionConfig().isEnabled());
  }
}
