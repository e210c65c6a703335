package io.modelfleet.node.security;

import io.modelfleet.protocol.model.RequestMeta;
import io.modelfleet.protocol.security.ApiKey;
import io.modelfleet.protocol.security.Grant;
import io.modelfleet.protocol.security.KeyLimits;
import io.modelfleet.protocol.security.KeySecrets;
import io.modelfleet.protocol.security.Role;
import io.modelfleet.protocol.service.KeyAdmin;
import io.modelfleet.protocol.service.KeyAdmin.KeyAdminException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the administrator key at the first start of a cluster, so a node is secure by default and
 * still usable with one command. "First start" means the key registry holds no key at all; once any
 * key exists (even a revoked one) this does nothing and never touches the key file again.
 *
 * <p>The key is the configured one ({@link AdminKeySettings#adminKey}, for automation; no file is
 * written) or a generated one, written once to {@code <data-dir>/admin.key} (mode 0600, {@link
 * AdminKeyFile}) BEFORE it is registered: a crash in between leaves a file that the next first
 * start registers, never a registered key nobody has. The log says where the file is, never the
 * key.
 *
 * <p>Nodes starting together each find the registry empty, but the registry takes one command at a
 * time and refuses a second active key named "admin" (409): the node that loses deletes the file it
 * wrote, whose key authenticates nothing, and is done.
 */
public final class AdminKeyBootstrap {
  static final String NAME = "admin";
  static final String TENANT = "default";

  private static final Logger log = LoggerFactory.getLogger(AdminKeyBootstrap.class);

  /** What the bootstrap did. */
  public sealed interface Outcome {}

  /** The registry held keys already: nothing done. */
  public record KeysExist() implements Outcome {}

  /** This node created the administrator key; {@code file} is empty when it was configured. */
  public record Created(ApiKey key, Optional<Path> file) implements Outcome {}

  /** Another node created the administrator key at the same time. */
  public record CreatedElsewhere() implements Outcome {}

  private AdminKeyBootstrap() {}

  /** What the administrator key is: every permission on every model of the default tenant. */
  static KeyAdmin.NewKey adminKey() {
    return new KeyAdmin.NewKey(
        NAME, TENANT, Set.of(Role.ADMIN), List.of(Grant.ALL), KeyLimits.NONE, 0);
  }

  /**
   * Ensures the administrator key exists; blocks up to {@code settings.timeout()} per registry
   * call. Call once the key registry's sharding is initialised.
   *
   * @throws Exception when the registry does not answer, or the key file cannot be written or read;
   *     the node should not start then
   */
  public static Outcome ensure(RegistryKeyAdmin admin, Path dataDir, AdminKeySettings settings)
      throws Exception {
    if (!await(admin.list(), settings.timeout()).isEmpty()) {
      return new KeysExist();
    }
    RequestMeta meta = RequestMeta.system("administrator key created at the first start");
    if (settings.adminKey().isPresent()) {
      Outcome outcome = register(admin, settings.adminKey().get(), meta, settings.timeout());
      if (outcome instanceof Created c) {
        log.info(
            "Created the administrator key {} from modelfleet.security.bootstrap-admin-key",
            c.key().principal());
      }
      return outcome;
    }
    Files.createDirectories(dataDir);
    Path file = dataDir.resolve(AdminKeyFile.NAME);
    boolean wroteIt = !Files.exists(file, LinkOption.NOFOLLOW_LINKS);
    String secret;
    if (wroteIt) {
      secret = KeySecrets.generate();
      AdminKeyFile.create(file, secret);
    } else {
      secret = AdminKeyFile.read(file);
      log.info("Registering the administrator key that an unfinished first start left in {}", file);
    }
    Outcome outcome = register(admin, secret, meta, settings.timeout());
    if (outcome instanceof Created c) {
      log.info(
          "Created the administrator key {}. It is in {} (readable by its owner only) and"
              + " nowhere else: send it as \"Authorization: Bearer <key>\", keep it somewhere safe"
              + " and delete the file",
          c.key().principal(),
          file);
      return new Created(c.key(), Optional.of(file));
    }
    if (wroteIt) {
      AdminKeyFile.delete(file);
    }
    return outcome;
  }

  private static Outcome register(
      RegistryKeyAdmin admin, String secret, RequestMeta meta, Duration timeout) throws Exception {
    try {
      KeyAdmin.Created created = await(admin.createWithSecret(adminKey(), secret, meta), timeout);
      return new Created(created.key(), Optional.empty());
    } catch (KeyAdminException e) {
      if (e.status() == 409) {
        log.info("Another node created the administrator key at the same time; using that one");
        return new CreatedElsewhere();
      }
      throw e;
    }
  }

  /** The stage's value; its own failure (not an ExecutionException) when it failed. */
  private static <T> T await(CompletionStage<T> stage, Duration timeout) throws Exception {
    try {
      return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }
}
