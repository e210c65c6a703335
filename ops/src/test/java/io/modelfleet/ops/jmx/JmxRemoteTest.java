package io.modelfleet.ops.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import java.util.Optional;
import javax.management.MBeanServer;
import javax.management.MBeanServerConnection;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.Test;

/**
 * Remote JMX over real RMI on a loopback port: the read-write user reads and invokes, the read-only
 * user only reads, nobody creates MBeans, and a wrong password is refused.
 */
class JmxRemoteTest {

  /** A stand-in for the node's operations. */
  public interface ProbeMXBean {
    int getCount();

    String poke();
  }

  static final class Probe implements ProbeMXBean {
    int count;

    @Override
    public int getCount() {
      return count;
    }

    @Override
    public String poke() {
      count++;
      return "poked";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static MBeanServerConnection as(JMXConnector c) throws IOException {
    return c.getMBeanServerConnection();
  }

  @Test
  void usersAuthenticateAndTheReadOnlyUserInvokesNothing() throws Exception {
    int port = freePort();
    JmxSettings settings =
        JmxSettings.fromConfig(
            ConfigFactory.parseString(
                    "modelfleet.ops.jmx { port = "
                        + port
                        + ", host = \"127.0.0.1\", password = \"admin-pass-1\","
                        + " monitor-password = \"monitor-pass-1\" }")
                .withFallback(ConfigFactory.defaultReference())
                .resolve());
    MBeanServer mbeans = MBeanServerFactory.newMBeanServer();
    ObjectName probe = new ObjectName("io.modelfleet:type=Probe");
    mbeans.registerMBean(new Probe(), probe);
    try (JmxRemote remote = JmxRemote.start(settings, Optional.empty(), mbeans)) {
      JMXServiceURL url =
          new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
      assertEquals(url, remote.address());

      try (JMXConnector admin =
          JMXConnectorFactory.connect(
              url, Map.of(JMXConnector.CREDENTIALS, new String[] {"admin", "admin-pass-1"}))) {
        assertEquals("poked", as(admin).invoke(probe, "poke", null, null));
        assertEquals(1, as(admin).getAttribute(probe, "Count"));
        SecurityException create =
            assertThrows(
                SecurityException.class,
                () ->
                    as(admin)
                        .createMBean(
                            "javax.management.timer.Timer",
                            new ObjectName("io.modelfleet:type=Timer")));
        assertTrue(create.getMessage().contains("denied"), create.getMessage());
      }

      try (JMXConnector monitor =
          JMXConnectorFactory.connect(
              url, Map.of(JMXConnector.CREDENTIALS, new String[] {"monitor", "monitor-pass-1"}))) {
        assertEquals(1, as(monitor).getAttribute(probe, "Count"));
        assertThrows(SecurityException.class, () -> as(monitor).invoke(probe, "poke", null, null));
        assertEquals(1, as(monitor).getAttribute(probe, "Count"));
      }

      SecurityException wrong =
          assertThrows(
              SecurityException.class,
              () ->
                  JMXConnectorFactory.connect(
                      url,
                      Map.of(JMXConnector.CREDENTIALS, new String[] {"admin", "monitor-pass-1"})));
      assertEquals(PasswordAuthenticator.REFUSED, wrong.getMessage());
      assertThrows(SecurityException.class, () -> JMXConnectorFactory.connect(url, Map.of()));
    }
  }

  @Test
  void anotherUsersPasswordOrAnUnknownUserIsRefused() {
    PasswordAuthenticator auth =
        new PasswordAuthenticator(Map.of("admin", "admin-pass-1", "monitor", "monitor-pass-1"));
    assertEquals(
        "admin",
        auth.authenticate(new String[] {"admin", "admin-pass-1"})
            .getPrincipals()
            .iterator()
            .next()
            .getName());
    assertThrows(
        SecurityException.class, () -> auth.authenticate(new String[] {"monitor", "admin-pass-1"}));
    assertThrows(
        SecurityException.class, () -> auth.authenticate(new String[] {"root", "admin-pass-1"}));
    assertThrows(SecurityException.class, () -> auth.authenticate(new String[] {"admin", null}));
    assertThrows(SecurityException.class, () -> auth.authenticate("admin:admin-pass-1"));
    assertThrows(SecurityException.class, () -> auth.authenticate(null));
  }

  @Test
  void theAccessFileGivesNoOneCreateOrUnregister() {
    JmxSettings s =
        new JmxSettings(
            true, 9010, "", "ops", "long-password", "watcher", "long-password-2", false);
    assertEquals("ops readwrite\nwatcher readonly\n", JmxRemote.accessLines(s));
  }
}
