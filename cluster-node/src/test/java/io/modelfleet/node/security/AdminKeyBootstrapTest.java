package io.modelfleet.node.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.modelfleet.protocol.security.ApiKey;
import io.modelfleet.protocol.security.Grant;
import io.modelfleet.protocol.security.KeySecrets;
import io.modelfleet.protocol.security.Role;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The administrator key of a first start: a generated key is handed over once in a file that only
 * its owner can read, a configured one writes no file, and a later start, or a second node starting
 * at the same moment, adds nothing.
 */
class AdminKeyBootstrapTest {
  private static final LocalRegistry registry = new LocalRegistry();
  private static final AdminKeySettings GENERATE =
      new AdminKeySettings(Optional.empty(), LocalRegistry.WAIT);

  @TempDir Path dataDir;

  @BeforeEach
  void fresh() {
    registry.fresh();
  }

  @AfterAll
  static void stop() {
    registry.close();
  }

  private Path keyFile() {
    return dataDir.resolve("admin.key");
  }

  private static ApiKey onlyKey() {
    List<ApiKey> keys = registry.keys();
    assertEquals(1, keys.size(), keys.toString());
    return keys.get(0);
  }

  @Test
  void aGeneratedKeyIsWrittenOnceToAnOwnerOnlyFile() throws Exception {
    var outcome =
        assertInstanceOf(
            AdminKeyBootstrap.Created.class,
            AdminKeyBootstrap.ensure(registry.admin, dataDir, GENERATE));
    assertEquals(Optional.of(keyFile()), outcome.file());
    assertEquals(
        Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
        Files.getPosixFilePermissions(keyFile()));
    String content = Files.readString(keyFile(), StandardCharsets.US_ASCII);
    assertTrue(content.endsWith("\n") && content.indexOf('\n') == content.length() - 1);
    String secret = content.strip();
    assertTrue(KeySecrets.wellFormed(secret));

    ApiKey admin = onlyKey();
    assertEquals(outcome.key(), admin);
    assertEquals(KeySecrets.hash(secret), admin.secretHash(), "the file holds the key's secret");
    assertEquals("admin", admin.name());
    assertEquals("default", admin.tenant());
    assertEquals(Set.of(Role.ADMIN), admin.roles());
    assertEquals(List.of(Grant.ALL), admin.grants());
    assertEquals(0, admin.expiresAt());
    var history = registry.admin.history().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals("system", history.get(0).principal(), "the audit history says who made it");
    assertFalse(history.toString().contains(secret));

    // A later start finds the key and never rewrites the file.
    FileTime written = Files.getLastModifiedTime(keyFile());
    Files.setLastModifiedTime(keyFile(), FileTime.fromMillis(written.toMillis() - 60_000));
    FileTime before = Files.getLastModifiedTime(keyFile());
    assertInstanceOf(
        AdminKeyBootstrap.KeysExist.class,
        AdminKeyBootstrap.ensure(registry.admin, dataDir, GENERATE));
    assertEquals(content, Files.readString(keyFile(), StandardCharsets.US_ASCII));
    assertEquals(before, Files.getLastModifiedTime(keyFile()));
    assertEquals(admin, onlyKey());

    // Nor once the file is gone (the operator kept the key elsewhere): keys exist, nothing to do.
    Files.delete(keyFile());
    assertInstanceOf(
        AdminKeyBootstrap.KeysExist.class,
        AdminKeyBootstrap.ensure(registry.admin, dataDir, GENERATE));
    assertFalse(Files.exists(keyFile()));
  }

  @Test
  void aConfiguredKeyIsTheAdministratorKeyAndNoFileIsWritten() throws Exception {
    String configured = KeySecrets.generate();
    var settings =
        AdminKeySettings.fromConfig(
            ConfigFactory.parseMap(Map.of("modelfleet.security.bootstrap-admin-key", configured))
                .withFallback(ConfigFactory.load()));
    assertFalse(settings.toString().contains(configured), settings.toString());
    var outcome =
        assertInstanceOf(
            AdminKeyBootstrap.Created.class,
            AdminKeyBootstrap.ensure(registry.admin, dataDir, settings));
    assertEquals(Optional.empty(), outcome.file());
    assertFalse(Files.exists(keyFile()));
    assertEquals(KeySecrets.hash(configured), onlyKey().secretHash());
    assertInstanceOf(
        AdminKeyBootstrap.KeysExist.class,
        AdminKeyBootstrap.ensure(registry.admin, dataDir, settings));
  }

  @Test
  void aConfiguredKeyMustBeWellFormedAndIsNeverRepeated() {
    String weak = "hunter2-but-a-little-longer-than-thirty-two";
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                AdminKeySettings.fromConfig(
                    ConfigFactory.parseMap(Map.of("modelfleet.security.bootstrap-admin-key", weak))
                        .withFallback(ConfigFactory.load())));
    assertFalse(e.getMessage().contains(weak), e.getMessage());
    assertTrue(e.getMessage().contains("MODELFLEET_BOOTSTRAP_ADMIN_KEY"), e.getMessage());
    assertEquals(
        Optional.empty(), AdminKeySettings.fromConfig(ConfigFactory.load()).adminKey(), "default");
  }

  @Test
  void theShellRecipeInReferenceConfMakesAWellFormedKey() {
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    // base64 | tr '+/' '-_' | tr -d '='
    String shell =
        "mfk_"
            + Base64.getEncoder()
                .encodeToString(random)
                .replace('+', '-')
                .replace('/', '_')
                .replace("=", "");
    assertTrue(KeySecrets.wellFormed(shell));
  }

  @Test
  void aFileLeftByAnUnfinishedFirstStartIsRegisteredNotReplaced() throws Exception {
    String earlier = KeySecrets.generate();
    AdminKeyFile.create(keyFile(), earlier);
    assertInstanceOf(
        AdminKeyBootstrap.Created.class,
        AdminKeyBootstrap.ensure(registry.admin, dataDir, GENERATE));
    assertEquals(earlier + "\n", Files.readString(keyFile(), StandardCharsets.US_ASCII));
    assertEquals(KeySecrets.hash(earlier), onlyKey().secretHash());
  }

  @Test
  void aFileThatHoldsNoKeyStopsTheStartWithoutShowingIt() throws Exception {
    Files.writeString(keyFile(), "something else entirely\n");
    var e =
        assertThrows(
            IllegalStateException.class,
            () -> AdminKeyBootstrap.ensure(registry.admin, dataDir, GENERATE));
    assertFalse(e.getMessage().contains("something else"), e.getMessage());
    assertEquals(List.of(), registry.keys());
  }

  @Test
  void twoNodesStartingTogetherMakeOneAdministratorKey() throws Exception {
    Path other = Files.createDirectory(dataDir.resolve("other-node"));
    List<CompletableFuture<AdminKeyBootstrap.Outcome>> starts = new ArrayList<>();
    for (Path dir : List.of(dataDir, other)) {
      starts.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return AdminKeyBootstrap.ensure(registry.admin, dir, GENERATE);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              }));
    }
    List<AdminKeyBootstrap.Outcome> outcomes = new ArrayList<>();
    for (var s : starts) {
      outcomes.add(s.get(20, TimeUnit.SECONDS));
    }
    assertEquals(
        1,
        outcomes.stream().filter(o -> o instanceof AdminKeyBootstrap.Created).count(),
        outcomes.toString());
    ApiKey admin = onlyKey();
    List<Path> files =
        List.of(keyFile(), other.resolve("admin.key")).stream().filter(Files::exists).toList();
    assertEquals(1, files.size(), "the node that lost deleted its file: " + files);
    assertEquals(
        admin.secretHash(),
        KeySecrets.hash(Files.readString(files.get(0), StandardCharsets.US_ASCII).strip()));
  }
}
