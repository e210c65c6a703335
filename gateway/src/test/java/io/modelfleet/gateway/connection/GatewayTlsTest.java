package io.modelfleet.gateway.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening the gateway's key store: every way it can be wrong names the setting to fix. */
class GatewayTlsTest {

  private static final String PASSWORD = "s3cret-pass";

  @TempDir static Path dir;
  static Path store;

  @BeforeAll
  static void createStore() throws Exception {
    store = TestKeyStores.create(dir.resolve("gateway.p12"), PASSWORD);
  }

  @Test
  void anEmptyPathIsPlainHttp() {
    GatewayTls tls = GatewayTls.fromConfig(ConfigFactory.load());
    assertFalse(tls.enabled());
    assertEquals("plain HTTP", tls.toString());
  }

  @Test
  void aGoodStoreServesTls() {
    GatewayTls tls =
        GatewayTls.fromConfig(
            ConfigFactory.parseMap(
                    Map.of(
                        "modelfleet.gateway.tls.key-store",
                        store.toString(),
                        "modelfleet.gateway.tls.key-store-password",
                        PASSWORD))
                .withFallback(ConfigFactory.load()));
    assertTrue(tls.enabled());
    assertFalse(tls.newServerEngine().getUseClientMode());
    assertFalse(tls.toString().contains(PASSWORD));
  }

  @Test
  void aWrongPasswordNamesThePasswordSettingAndHidesBothPasswords() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> GatewayTls.open(store, "PKCS12", "not-it-at-all"));
    assertTrue(e.getMessage().contains("MODELFLEET_TLS_KEY_STORE_PASSWORD"), e.getMessage());
    assertTrue(e.getMessage().contains("wrong password"), e.getMessage());
    assertFalse(e.getMessage().contains("not-it-at-all"));
    assertFalse(e.getMessage().contains(PASSWORD));
  }

  @Test
  void aMissingFileNamesTheKeyStoreSetting() {
    Path missing = dir.resolve("nowhere.p12");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> GatewayTls.open(missing, "PKCS12", PASSWORD));
    assertTrue(e.getMessage().contains("modelfleet.gateway.tls.key-store"), e.getMessage());
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
  }

  @Test
  void aMissingPasswordIsRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> GatewayTls.open(store, "PKCS12", ""));
    assertTrue(e.getMessage().contains("key-store-password"), e.getMessage());
  }

  @Test
  void aFileThatIsNoKeyStoreIsNamed() throws Exception {
    Path junk = Files.writeString(dir.resolve("junk.p12"), "-----BEGIN CERTIFICATE-----\n");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> GatewayTls.open(junk, "PKCS12", PASSWORD));
    assertTrue(e.getMessage().contains("cannot be read as a PKCS12 key store"), e.getMessage());
  }

  @Test
  void anUnknownStoreTypeIsNamed() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> GatewayTls.open(store, "XYZ", PASSWORD));
    assertTrue(e.getMessage().contains("key-store-type"), e.getMessage());
  }

  @Test
  void aTrustStoreWithoutAPrivateKeyIsRefused() throws Exception {
    KeyStore full = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      full.load(in, PASSWORD.toCharArray());
    }
    KeyStore certOnly = KeyStore.getInstance("PKCS12");
    certOnly.load(null, null);
    certOnly.setCertificateEntry("server", full.getCertificate("modelfleet"));
    Path trust = dir.resolve("trust.p12");
    try (OutputStream out = Files.newOutputStream(trust)) {
      certOnly.store(out, PASSWORD.toCharArray());
    }
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> GatewayTls.open(trust, "PKCS12", PASSWORD));
    assertTrue(e.getMessage().contains("holds no private key"), e.getMessage());
  }
}
