package io.modelfleet.node.upload;

import ai.onnxruntime.OrtEnvironment;
import io.modelfleet.node.ort.ModelInspector;
import io.modelfleet.node.ort.ModelInspector.InvalidModelException;
import io.modelfleet.persistence.artifact.ArtifactStore;
import io.modelfleet.persistence.artifact.ArtifactTooLargeException;
import io.modelfleet.persistence.artifact.DatabaseArtifacts;
import io.modelfleet.persistence.artifact.Received;
import io.modelfleet.protocol.model.ModelCommand;
import io.modelfleet.protocol.model.ModelReply;
import io.modelfleet.protocol.model.Names;
import io.modelfleet.protocol.model.RequestMeta;
import io.modelfleet.protocol.model.VersionInfo;
import io.modelfleet.protocol.service.ModelUploads;
import io.modelfleet.protocol.service.UploadOutcome;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upload path: stream to the artifact store, refuse early when the version already exists with
 * other bytes, let ONNX Runtime read the signature (which also proves the file is a model), copy it
 * to the cluster's shared store, then register the version. Nothing is registered unless all
 * succeed.
 *
 * <p>Every upload ends its {@link Received} exactly once: kept when the registry answers
 * Registered, discarded otherwise (409, invalid model, a failure anywhere), which deletes the file
 * when this upload created it and nothing else needs it. A file that was already stored (another
 * version's, or a corrupt copy this upload repaired) is never deleted here. Copies already
 * published to the shared database stay there: another node may be registering the same bytes, and
 * the early conflict check keeps the common 409 from publishing at all.
 */
public final class UploadService implements ModelUploads {
  private static final Logger log = LoggerFactory.getLogger(UploadService.class);

  private final ActorSystem<?> system;
  private final ArtifactStore store;
  private final OrtEnvironment env;
  private final Executor ortExecutor;
  private final Executor ioExecutor;
  private final String ioDispatcher;
  private final Duration askTimeout;
  private final DatabaseArtifacts shared;

  /**
   * {@code shared} may be null: then the local store is the only one (single node, or a shared
   * filesystem).
   */
  public UploadService(
      ActorSystem<?> system,
      ArtifactStore store,
      DatabaseArtifacts shared,
      OrtEnvironment env,
      Executor ortExecutor,
      Executor ioExecutor,
      String ioDispatcher,
      Duration askTimeout) {
    this.system = system;
    this.store = store;
    this.shared = shared;
    this.env = env;
    this.ortExecutor = ortExecutor;
    this.ioExecutor = ioExecutor;
    this.ioDispatcher = ioDispatcher;
    this.askTimeout = askTimeout;
  }

  @Override
  public long maxUploadBytes() {
    return store.maxUploadBytes();
  }

  @Override
  public CompletionStage<UploadOutcome> upload(
      String model, String version, Source<ByteString, ?> body, RequestMeta meta) {
    String problem = Names.problem("model name", model);
    problem = problem != null ? problem : Names.versionProblem("version", version);
    if (problem != null) {
      return CompletableFuture.completedFuture(new UploadOutcome.Invalid(problem));
    }
    return store
        .receive(body, Materializer.matFromSystem(system), ioDispatcher, ioExecutor)
        .thenCompose(
            received -> {
              CompletionStage<UploadOutcome> outcome;
              AtomicBoolean registrationSent = new AtomicBoolean();
              try {
                outcome = register(model, version, received, meta, registrationSent);
              } catch (RuntimeException e) {
                outcome = CompletableFuture.failedFuture(e);
              }
              // Keeping or deleting the file is file-system work: not on the thread that completed
              // the registry's reply (Pekko's default dispatcher).
              return outcome.whenCompleteAsync(
                  (done, err) -> {
                    if (err == null && done instanceof UploadOutcome.Stored) {
                      received.keep();
                    } else if (err != null && registrationSent.get()) {
                      // No answer to a registration that was sent: the version may be registered
                      // after all, so its file stays for the orphan collector to judge against the
                      // journal.
                      received.abandon();
                    } else {
                      received.discard();
                    }
                  },
                  ioExecutor);
            })
        .exceptionally(
            err -> {
              Throwable cause =
                  err instanceof CompletionException && err.getCause() != null
                      ? err.getCause()
                      : err;
              if (cause instanceof ArtifactTooLargeException e) {
                return new UploadOutcome.TooLarge(e.getMessage());
              }
              if (cause instanceof InvalidModelException e) {
                return new UploadOutcome.Invalid(store.redact(e.getMessage()));
              }
              throw new CompletionException(cause);
            });
  }

  private CompletionStage<UploadOutcome> register(
      String model,
      String version,
      Received received,
      RequestMeta meta,
      AtomicBoolean registrationSent) {
    if (received.placement() == Received.Placement.REPAIRED) {
      log.warn(
          "Upload of {}/{} repaired the corrupt local copy of {}",
          model,
          version,
          received.artifact().digest());
    }
    String digest = received.artifact().digest();
    EntityRef<ModelCommand> entity =
        ClusterSharding.get(system).entityRefFor(ModelCommand.TYPE_KEY, model);
    return entity
        .<ModelReply>ask(ModelCommand.GetModel::new, askTimeout)
        .thenCompose(
            current -> {
              UploadOutcome.Conflict conflict = conflict(current, model, version, digest);
              if (conflict != null) {
                return CompletableFuture.completedFuture(conflict);
              }
              return CompletableFuture.supplyAsync(
                      () -> ModelInspector.inspect(env, received.artifact().path()), ortExecutor)
                  // Published before it is registered: any node that learns of the version can
                  // fetch it.
                  .thenApplyAsync(
                      signature -> {
                        if (shared != null) {
                          shared.publish(received.artifact());
                        }
                        return signature;
                      },
                      ioExecutor)
                  .thenCompose(
                      signature -> {
                        registrationSent.set(true);
                        return entity.<ModelReply>ask(
                            r ->
                                new ModelCommand.RegisterVersion(
                                    version,
                                    digest,
                                    received.artifact().size(),
                                    signature.inputs(),
                                    signature.outputs(),
                                    meta,
                                    r),
                            askTimeout);
                      })
                  .thenApply(UploadService::outcome);
            });
  }

  /**
   * A conflict when the registry already holds {@code version} with other bytes; the entity's own
   * check still decides races.
   */
  private static UploadOutcome.Conflict conflict(
      ModelReply current, String model, String version, String digest) {
    if (current instanceof ModelReply.Current c) {
      VersionInfo existing = c.model().versions().get(version);
      if (existing != null && !existing.digest().equals(digest)) {
        return new UploadOutcome.Conflict(
            "version '"
                + version
                + "' of model '"
                + model
                + "' already exists with digest "
                + existing.digest()
                + "; versions are immutable, upload under a new version");
      }
    }
    return null;
  }

  private static UploadOutcome outcome(ModelReply reply) {
    if (reply instanceof ModelReply.Registered r) {
      return new UploadOutcome.Stored(r.created(), r.model(), r.version());
    }
    if (reply instanceof ModelReply.Rejected r && r.kind() == ModelReply.Rejected.Kind.CONFLICT) {
      return new UploadOutcome.Conflict(r.error());
    }
    if (reply instanceof ModelReply.Rejected r) {
      return new UploadOutcome.Invalid(r.error());
    }
    throw new IllegalStateException("unexpected registry reply " + reply);
  }
}
