package io.modelfleet.ops.jmx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.rmi.AlreadyBoundException;
import java.rmi.NoSuchObjectException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.RMIClientSocketFactory;
import java.rmi.server.UnicastRemoteObject;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.management.MBeanServer;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;
import javax.management.remote.rmi.RMIJRMPServerImpl;
import javax.net.ssl.SSLContext;
import javax.rmi.ssl.SslRMIClientSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remote JMX, as the JDK's own {@code com.sun.management.jmxremote.*} agent would serve it, but
 * started by the node from its settings: an RMI registry holding the connector under {@code
 * jmxrmi}, and the RMI connector server, both on one port and one address, so that JConsole
 * connects to {@code host:port}.
 *
 * <ul>
 *   <li>Every connection is authenticated ({@link PasswordAuthenticator}); the read-write user may
 *       read and set attributes and invoke operations but never create or unregister MBeans, the
 *       read-only user only reads (the JDK's access file, {@code jmx.remote.x.access.file}, written
 *       to a temporary file holding only the user names).
 *   <li>With TLS the registry and the server speak TLS with the gateway's key store; clients get
 *       the JDK's {@link SslRMIClientSocketFactory} in the stub, so JConsole needs only a trust
 *       store.
 *   <li>The address written into the stubs is {@code java.rmi.server.hostname} when set, else the
 *       listening host when it is one address (an operator behind NAT sets the property).
 * </ul>
 */
public final class JmxRemote implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JmxRemote.class);
  static final String BINDING = "jmxrmi";

  private final Registry registry;
  private final JMXConnectorServer server;
  private final JMXServiceURL address;
  private final Path accessFile;

  private JmxRemote(
      Registry registry, JMXConnectorServer server, JMXServiceURL address, Path accessFile) {
    this.registry = registry;
    this.server = server;
    this.address = address;
    this.accessFile = accessFile;
  }

  /**
   * Starts remote JMX on {@code settings.port()} at {@code settings.host()} for {@code mbeans}.
   *
   * @param tls the TLS context when {@code settings.tls()} is on
   * @throws IOException when the port cannot be listened on
   */
  public static JmxRemote start(JmxSettings settings, Optional<SSLContext> tls, MBeanServer mbeans)
      throws IOException {
    InetAddress bind = InetAddress.getByName(settings.host());
    String advertised = System.getProperty("java.rmi.server.hostname");
    if (advertised == null) {
      if (bind.isAnyLocalAddress()) {
        // What RMI writes into the stubs by default.
        advertised = InetAddress.getLocalHost().getHostAddress();
      } else {
        // RMI reads the property once, when it first exports something: this is before that.
        advertised = settings.host();
        System.setProperty("java.rmi.server.hostname", advertised);
      }
    }
    if (bind.isAnyLocalAddress()) {
      bind = null;
    }
    BoundServerSockets ssf = new BoundServerSockets(bind, tls.orElse(null));
    RMIClientSocketFactory csf = tls.isPresent() ? new SslRMIClientSocketFactory() : null;

    Path accessFile = accessFile(settings);
    Map<String, Object> env = new HashMap<>();
    env.put(JMXConnectorServer.AUTHENTICATOR, new PasswordAuthenticator(users(settings)));
    env.put("jmx.remote.x.access.file", accessFile.toString());
    if (csf != null) {
      env.put(RMIConnectorServer.RMI_CLIENT_SOCKET_FACTORY_ATTRIBUTE, csf);
    }
    env.put(RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE, ssf);

    Registry registry = LocateRegistry.createRegistry(settings.port(), csf, ssf);
    try {
      RMIJRMPServerImpl impl = new RMIJRMPServerImpl(settings.port(), csf, ssf, env);
      JMXConnectorServer server =
          new RMIConnectorServer(
              new JMXServiceURL("rmi", settings.host(), settings.port()), env, impl, mbeans);
      server.start();
      registry.bind(BINDING, impl.toStub());
      JMXServiceURL address =
          new JMXServiceURL(
              "service:jmx:rmi:///jndi/rmi://"
                  + hostInUrl(advertised)
                  + ":"
                  + settings.port()
                  + "/"
                  + BINDING);
      log.info(
          "remote JMX listening on {}:{} ({}; users: {}{}): jconsole {}:{}",
          settings.host(),
          settings.port(),
          tls.isPresent() ? "TLS" : "plain RMI, passwords in clear: keep it on a private network",
          settings.user() + " (read-write)",
          settings.hasMonitor() ? ", " + settings.monitorUser() + " (read-only)" : "",
          advertised,
          settings.port());
      return new JmxRemote(registry, server, address, accessFile);
    } catch (IOException | AlreadyBoundException | RuntimeException e) {
      unexport(registry);
      Files.deleteIfExists(accessFile);
      if (e instanceof IOException io) {
        throw io;
      }
      throw new IOException("remote JMX could not start: " + e.getMessage(), e);
    }
  }

  /** The URL a JMX client connects to. */
  public JMXServiceURL address() {
    return address;
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (IOException e) {
      log.warn("remote JMX did not stop cleanly: {}", e.toString());
    }
    unexport(registry);
    try {
      Files.deleteIfExists(accessFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Map<String, String> users(JmxSettings s) {
    Map<String, String> users = new LinkedHashMap<>();
    users.put(s.user(), s.password());
    if (s.hasMonitor()) {
      users.put(s.monitorUser(), s.monitorPassword());
    }
    return users;
  }

  /** The JDK access file's lines: no create or unregister for anyone. */
  static String accessLines(JmxSettings s) {
    String lines = s.user() + " readwrite\n";
    if (s.hasMonitor()) {
      lines += s.monitorUser() + " readonly\n";
    }
    return lines;
  }

  private static Path accessFile(JmxSettings s) throws IOException {
    Path file = Files.createTempFile("modelfleet-jmx-", ".access");
    file.toFile().deleteOnExit();
    Files.writeString(file, accessLines(s), StandardCharsets.UTF_8);
    return file;
  }

  private static String hostInUrl(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  private static void unexport(Registry registry) {
    try {
      UnicastRemoteObject.unexportObject(registry, true);
    } catch (NoSuchObjectException e) {
      // Already gone.
    }
  }
}
