package io.modelfleet.ops.jmx;

import com.typesafe.config.Config;
import java.util.regex.Pattern;

/**
 * The {@code modelfleet.ops.jmx} settings: whether the MBeans are registered, and remote JMX (off
 * unless a port is set; then a password is required). Read and checked at start, so a bad value
 * stops the node with a sentence naming the setting. {@link #toString} never shows a password.
 *
 * @param enabled register ModelFleet's MBeans in the platform MBean server
 * @param port remote JMX port (RMI registry and RMI server on the one port); 0: no remote JMX
 * @param host the address remote JMX listens on and writes into its stubs; "": the HTTP host
 * @param user the read-write user
 * @param password the read-write user's password (required with a port)
 * @param monitorUser the read-only user, present only when {@code monitorPassword} is set
 * @param monitorPassword "" for no read-only user
 * @param tls remote JMX over TLS with the gateway's key store
 */
public record JmxSettings(
    boolean enabled,
    int port,
    String host,
    String user,
    String password,
    String monitorUser,
    String monitorPassword,
    boolean tls) {

  static final String PORT = "modelfleet.ops.jmx.port (MODELFLEET_JMX_PORT)";
  static final String PASSWORD = "modelfleet.ops.jmx.password (MODELFLEET_JMX_PASSWORD)";
  static final String USER = "modelfleet.ops.jmx.user (MODELFLEET_JMX_USER)";
  static final String MONITOR_USER = "modelfleet.ops.jmx.monitor-user";
  static final String MONITOR_PASSWORD =
      "modelfleet.ops.jmx.monitor-password (MODELFLEET_JMX_MONITOR_PASSWORD)";
  public static final String TLS = "modelfleet.ops.jmx.tls (MODELFLEET_JMX_TLS)";

  /** Shorter passwords are refused: JMX's read-write user can do anything the JVM can. */
  public static final int MIN_PASSWORD_LENGTH = 8;

  private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  public JmxSettings {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          PORT + " must be a TCP port (1-65535), or 0 for no remote JMX; got " + port);
    }
    if (!USER_NAME.matcher(user).matches()) {
      throw new IllegalArgumentException(
          USER + " must be 1 to 64 letters, digits, '.', '_' or '-'; got '" + user + "'");
    }
    // The fields are assigned after this block: read the parameters, not remote() or hasMonitor().
    if (port > 0) {
      if (password.isEmpty()) {
        throw new IllegalArgumentException(
            PASSWORD
                + " must be set when "
                + PORT
                + " is: remote JMX always asks for a user name and password");
      }
      if (password.length() < MIN_PASSWORD_LENGTH) {
        throw new IllegalArgumentException(
            PASSWORD + " must be at least " + MIN_PASSWORD_LENGTH + " characters long");
      }
      if (!monitorPassword.isEmpty()) {
        if (!USER_NAME.matcher(monitorUser).matches() || monitorUser.equals(user)) {
          throw new IllegalArgumentException(
              MONITOR_USER
                  + " must be 1 to 64 letters, digits, '.', '_' or '-', and not the read-write"
                  + " user's name; got '"
                  + monitorUser
                  + "'");
        }
        if (monitorPassword.length() < MIN_PASSWORD_LENGTH) {
          throw new IllegalArgumentException(
              MONITOR_PASSWORD + " must be at least " + MIN_PASSWORD_LENGTH + " characters long");
        }
      }
    }
  }

  public static JmxSettings fromConfig(Config root) {
    Config c = root.getConfig("modelfleet.ops.jmx");
    return new JmxSettings(
        c.getBoolean("enabled"),
        c.getInt("port"),
        c.getString("host").trim(),
        c.getString("user").trim(),
        c.getString("password"),
        c.getString("monitor-user").trim(),
        c.getString("monitor-password"),
        c.getBoolean("tls"));
  }

  /** Whether remote JMX is on. */
  public boolean remote() {
    return port > 0;
  }

  /** Whether a read-only user is configured. */
  public boolean hasMonitor() {
    return !monitorPassword.isEmpty();
  }

  /** These settings, listening on {@code host} when none was set. */
  public JmxSettings withDefaultHost(String fallback) {
    return host.isEmpty()
        ? new JmxSettings(
            enabled, port, fallback, user, password, monitorUser, monitorPassword, tls)
        : this;
  }

  @Override
  public String toString() {
    return "JmxSettings[enabled="
        + enabled
        + ", port="
        + port
        + ", host="
        + host
        + ", user="
        + user
        + ", monitorUser="
        + (hasMonitor() ? monitorUser : "(none)")
        + ", tls="
        + tls
        + "]";
  }
}
