package io.modelfleet.gateway.connection;

import com.typesafe.config.Config;
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
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * HTTPS on the gateway, from {@code modelfleet.gateway.tls}: off (plain HTTP) when no key store is
 * named, else every connection is TLS with the key store's private key and certificate chain.
 *
 * <p>The key store is opened when the settings are read, not at the first connection, so a missing
 * file or a wrong password stops the node at start with a sentence naming the setting, rather than
 * leaving a node that answers every handshake with an alert. Messages never carry the password.
 *
 * @param keyStore the PKCS12 (or other {@code keyStoreType}) file; empty: TLS off
 * @param keyStoreType the {@link KeyStore} type, normally PKCS12
 * @param context the TLS context built from the key store; present exactly when keyStore is
 */
public record GatewayTls(
    Optional<Path> keyStore, String keyStoreType, Optional<SSLContext> context) {

  static final String KEY_STORE = "modelfleet.gateway.tls.key-store (MODELFLEET_TLS_KEY_STORE)";
  static final String PASSWORD =
      "modelfleet.gateway.tls.key-store-password (MODELFLEET_TLS_KEY_STORE_PASSWORD)";
  static final String TYPE = "modelfleet.gateway.tls.key-store-type";

  /** Plain HTTP. */
  public static GatewayTls off() {
    return new GatewayTls(Optional.empty(), "PKCS12", Optional.empty());
  }

  public boolean enabled() {
    return context.isPresent();
  }

  /**
   * Reads {@code modelfleet.gateway.tls.*} from the whole configuration and opens the key store.
   *
   * @throws IllegalArgumentException naming the setting when the store cannot be used
   */
  public static GatewayTls fromConfig(Config root) {
    Config c = root.getConfig("modelfleet.gateway.tls");
    String path = c.getString("key-store").trim();
    if (path.isEmpty()) {
      return off();
    }
    return open(
        Path.of(path), c.getString("key-store-type").trim(), c.getString("key-store-password"));
  }

  /** Opens {@code file} as a key store of {@code type} with {@code password}. */
  public static GatewayTls open(Path file, String type, String password) {
    if (password.isEmpty()) {
      throw new IllegalArgumentException(
          PASSWORD + " must be set when " + KEY_STORE + " is (" + file + ")");
    }
    char[] secret = password.toCharArray();
    KeyStore store = load(file, type, secret);
    try {
      if (!hasPrivateKey(store)) {
        throw new IllegalArgumentException(
            KEY_STORE
                + " names "
                + file
                + ", which holds no private key: HTTPS needs the server's key and certificate"
                + " (keytool -genkeypair, see the README)");
      }
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, secret);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, null);
      return new GatewayTls(Optional.of(file), type, Optional.of(context));
    } catch (UnrecoverableKeyException e) {
      throw new IllegalArgumentException(
          PASSWORD
              + " opens the key store "
              + file
              + " but not its private key: the key's password must be the store's (as PKCS12"
              + " and keytool make it)",
          e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "the key store " + file + " (" + KEY_STORE + ") cannot serve TLS: " + e.getMessage(), e);
    }
  }

  /** A server-side engine for one connection. */
  public SSLEngine newServerEngine() {
    SSLEngine engine =
        context.orElseThrow(() -> new IllegalStateException("TLS is off")).createSSLEngine();
    engine.setUseClientMode(false);
    return engine;
  }

  private static KeyStore load(Path file, String type, char[] secret) {
    KeyStore store;
    try {
      store = KeyStore.getInstance(type);
    } catch (KeyStoreException e) {
      throw new IllegalArgumentException(
          TYPE + " names '" + type + "', which this JVM does not know (use PKCS12)", e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, secret);
      return store;
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(
          KEY_STORE + " names " + file + ", which does not exist", e);
    } catch (IOException e) {
      if (e.getCause() instanceof UnrecoverableKeyException) {
        throw new IllegalArgumentException(
            PASSWORD + " does not open the key store " + file + " (wrong password)", e);
      }
      throw new IllegalArgumentException(
          KEY_STORE
              + " names "
              + file
              + ", which cannot be read as a "
              + type
              + " key store: "
              + e.getMessage(),
          e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "the key store " + file + " (" + KEY_STORE + ") cannot be read: " + e.getMessage(), e);
    }
  }

  private static boolean hasPrivateKey(KeyStore store) throws KeyStoreException {
    for (String alias : Collections.list(store.aliases())) {
      if (store.isKeyEntry(alias)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return keyStore.map(p -> "HTTPS with key store " + p).orElse("plain HTTP");
  }
}
