package io.modelfleet.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.UnrecoverableKeyException;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;

/**
 * TLS on cluster remoting (Artery), from {@code modelfleet.cluster.tls}: off by default, when the
 * embedded node's remoting listens on 127.0.0.1 only; on when a key store is named, for nodes on
 * separate hosts. Then every node both presents its certificate and checks its peer's against the
 * trust store (mutual authentication), so only holders of a trusted key can join the cluster or
 * send it messages. {@link #pekkoOverrides} turns it into Artery's tls-tcp transport with Pekko's
 * config-based engine provider.
 *
 * <p>Both stores are opened here, before the actor system starts, so a missing file or a wrong
 * password stops the node with a sentence naming the setting; Pekko's own failure names neither.
 * Messages never carry a password.
 *
 * @param keyStore this node's key and certificate chain; null when TLS is off
 * @param trustStore the certificates (or their issuers) of every node this one accepts
 * @param hostnameVerification whether a peer's certificate must name the host it is reached at
 */
public record ClusterTls(
    Path keyStore,
    String keyStorePassword,
    String keyPassword,
    Path trustStore,
    String trustStorePassword,
    boolean hostnameVerification) {

  private static final String PREFIX = "modelfleet.cluster.tls.";
  private static final String ENV = "MODELFLEET_CLUSTER_TLS_";
  static final String ENGINE = "pekko.remote.artery.ssl.config-ssl-engine.";

  public boolean enabled() {
    return keyStore != null;
  }

  /** Reads {@code modelfleet.cluster.tls.*} and, when on, opens both stores. */
  public static ClusterTls fromConfig(Config root) {
    Config c = root.getConfig("modelfleet.cluster.tls");
    String key = c.getString("key-store").trim();
    boolean verify = c.getBoolean("hostname-verification");
    if (key.isEmpty()) {
      return new ClusterTls(null, "", "", null, "", verify);
    }
    String trust = c.getString("trust-store").trim();
    if (trust.isEmpty()) {
      throw new IllegalArgumentException(
          name("trust-store")
              + " must be set when "
              + name("key-store")
              + " is: remoting TLS checks every peer's certificate against it (the key store"
              + " itself may serve, when every node shares one certificate)");
    }
    String keyStorePassword = required(c, "key-store-password");
    String keyPassword = c.getString("key-password");
    ClusterTls tls =
        new ClusterTls(
            Path.of(key),
            keyStorePassword,
            keyPassword.isEmpty() ? keyStorePassword : keyPassword,
            Path.of(trust),
            required(c, "trust-store-password"),
            verify);
    tls.check();
    return tls;
  }

  /** Artery's keys: the tls-tcp transport, mutual authentication and both stores. */
  public Config pekkoOverrides() {
    if (!enabled()) {
      return ConfigFactory.empty();
    }
    Map<String, Object> m = new HashMap<>();
    m.put("pekko.remote.artery.transport", "tls-tcp");
    m.put(
        "pekko.remote.artery.ssl.ssl-engine-provider",
        "org.apache.pekko.remote.artery.tcp.ConfigSSLEngineProvider");
    m.put(ENGINE + "key-store", keyStore.toString());
    m.put(ENGINE + "key-store-password", keyStorePassword);
    m.put(ENGINE + "key-password", keyPassword);
    m.put(ENGINE + "trust-store", trustStore.toString());
    m.put(ENGINE + "trust-store-password", trustStorePassword);
    m.put(ENGINE + "require-mutual-authentication", "on");
    m.put(ENGINE + "hostname-verification", hostnameVerification ? "on" : "off");
    return ConfigFactory.parseMap(m, "modelfleet.cluster.tls");
  }

  /** Opens both stores as Pekko will, and checks the key store holds a usable private key. */
  private void check() {
    KeyStore keys = load(keyStore, keyStorePassword, "key-store", "key-store-password");
    try {
      boolean hasKey = false;
      for (String alias : Collections.list(keys.aliases())) {
        hasKey |= keys.isKeyEntry(alias);
      }
      if (!hasKey) {
        throw new IllegalArgumentException(
            name("key-store")
                + " names "
                + keyStore
                + ", which holds no private key: each node needs its own key and certificate");
      }
      KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm())
          .init(keys, keyPassword.toCharArray());
    } catch (UnrecoverableKeyException e) {
      throw new IllegalArgumentException(
          name("key-password") + " does not open the private key in " + keyStore, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          name("key-store") + ": " + keyStore + " cannot serve TLS: " + e.getMessage(), e);
    }
    KeyStore trusted = load(trustStore, trustStorePassword, "trust-store", "trust-store-password");
    try {
      if (trusted.size() == 0) {
        throw new IllegalArgumentException(
            name("trust-store") + " names " + trustStore + ", which holds no certificate");
      }
    } catch (KeyStoreException e) {
      throw new IllegalStateException("a loaded key store refused its size", e);
    }
  }

  private static KeyStore load(Path file, String password, String fileKey, String passwordKey) {
    try (InputStream in = Files.newInputStream(file)) {
      // Pekko's ConfigSSLEngineProvider opens both with the JVM's default type (PKCS12).
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(in, password.toCharArray());
      return store;
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(
          name(fileKey) + " names " + file + ", which does not exist", e);
    } catch (IOException e) {
      if (e.getCause() instanceof UnrecoverableKeyException) {
        throw new IllegalArgumentException(
            name(passwordKey) + " does not open " + file + " (wrong password)", e);
      }
      throw new IllegalArgumentException(
          name(fileKey) + " names " + file + ", which is not a PKCS12 store: " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          name(fileKey) + ": " + file + " cannot be read: " + e.getMessage(), e);
    }
  }

  private static String required(Config c, String key) {
    String value = c.getString(key);
    if (value.isEmpty()) {
      throw new IllegalArgumentException(
          name(key) + " must be set when " + name("key-store") + " is");
    }
    return value;
  }

  /** The setting and the environment variable that sets it, as messages name them. */
  private static String name(String key) {
    return PREFIX + key + " (" + ENV + key.toUpperCase().replace('-', '_') + ")";
  }

  @Override
  public String toString() {
    return enabled()
        ? "remoting over TLS with key store " + keyStore + " and trust store " + trustStore
        : "remoting without TLS";
  }
}
