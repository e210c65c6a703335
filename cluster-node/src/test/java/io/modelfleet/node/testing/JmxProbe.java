package io.modelfleet.node.testing;

import java.util.HashMap;
import java.util.Map;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import javax.rmi.ssl.SslRMIClientSocketFactory;

/**
 * A JMX client in its own JVM, as JConsole is: connects over TLS (registry included) with the JVM's
 * default trust store, which the test sets with {@code -Djavax.net.ssl.trustStore} exactly as an
 * operator passes it to JConsole with {@code -J-Djavax.net.ssl.trustStore}, prints one attribute
 * and exits 0, or prints the failure and exits 1.
 *
 * <p>Arguments: host:port user password objectName attribute.
 */
public final class JmxProbe {
  private JmxProbe() {}

  public static void main(String[] args) {
    try {
      Map<String, Object> env = new HashMap<>();
      env.put(JMXConnector.CREDENTIALS, new String[] {args[1], args[2]});
      // The registry speaks TLS too: the JNDI lookup needs the TLS socket factory.
      env.put("com.sun.jndi.rmi.factory.socket", new SslRMIClientSocketFactory());
      JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://" + args[0] + "/jmxrmi");
      try (JMXConnector c = JMXConnectorFactory.connect(url, env)) {
        System.out.println(
            c.getMBeanServerConnection().getAttribute(new ObjectName(args[3]), args[4]));
      }
      System.exit(0);
    } catch (Exception e) {
      System.out.println("failed: " + e);
      System.exit(1);
    }
  }
}
