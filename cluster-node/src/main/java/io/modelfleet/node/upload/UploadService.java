package io.modelfleet.node.upload;

import ai.onnxruntime.OrtEnvironment;
import io.modelfleet.node.ort.ModelInspector;
import io.modelfleet.node.ort.ModelInspector.InvalidModelException;
import io.modelfleet.node.ort.ModelInspector.Signature;
import io.modelfleet.persistence.artifact.ArtifactStore;
import io.modelfleet.persistence.artifact.ArtifactTooLargeException;
import io.modelfleet.persistence.artifact.DatabaseArtifacts;
import io.modelfleet.persistence.artifact.StoredArtifact;
import io.modelfleet.protocol.model.ModelCommand;
import io.modelfleet.protocol.model.ModelReply;
import io.modelfleet.protocol.model.Names;
import io.modelfleet.protocol.model.RequestMeta;
import io.modelfleet.protocol.service.ModelUploads;
import io.modelfleet.protocol.service.UploadOutcome;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Upload path: stream to the artifact store, let ONNX Runtime read the signature (which also
 * proves the file is a model), copy it to the cluster's shared store, then register the version. Nothing is registered unless all three
 * succeed; a file ORT refuses is deleted again.
 */
public final class UploadService implements ModelUploads {
  private final ActorSystem<?> system;
  private final ArtifactStore store;
  private final OrtEnvironment env;
  private final Executor ortExecutor;
  private final Executor ioExecutor;
  private final String ioDispatcher;
  private final Duration askTimeout;
  private final DatabaseArtifacts shared;

  /** {@code shared} may be null: then the local store is the only one (single node, or a shared filesystem). */
  public UploadService(ActorSystem<?> system, ArtifactStore store, DatabaseArtifacts shared, OrtEnvironment env,
      Executor ortExecutor, Executor ioExecutor, String ioDispatcher, Duration askTimeout) {
    this.system = system;
    this.store = store;
    this.shared = shared;
    this.env = env;
    this.ortExecutor = ortExecutor;
    this.ioExecutor = ioExecutor;
    this.ioDispatcher = ioDispatcher;
    this.askTimeout = askTimeout;
  }

  private record Inspected(StoredArtifact artifact, Signature signature) {}

  @Override
  public CompletionStage<UploadOutcome> upload(String model, String version, Source<ByteString, ?> body, RequestMeta meta) {
    String problem = Names.problem("model name", model);
    problem = problem != null ? problem : Names.versionProblem("version", version);
    if (problem != null) {
      return CompletableFuture.completedFuture(new UploadOutcome.Invalid(problem));
    }
    return store.store(body, org.apache.pekko.stream.Materializer.matFromSystem(system), ioDispatcher, ioExecutor)
        .thenApplyAsync(stored -> {
          try {
            return new Inspected(stored, ModelInspector.inspect(env, stored.path()));
          } catch (InvalidModelException e) {
            store.delete(stored.digest());
            throw e;
          }
        }, ortExecutor)
        // Published before it is registered: any node that learns of the version can fetch it.
        .thenApplyAsync(in -> {
          if (shared != null) {
            shared.publish(in.artifact());
          }
          return in;
        }, ioExecutor)
        .thenCompose(in -> ClusterSharding.get(system).entityRefFor(ModelCommand.TYPE_KEY, model)
            .<ModelReply>ask(r -> new ModelCommand.RegisterVersion(version, in.artifact().digest(), in.artifact().size(),
                in.signature().inputs(), in.signature().outputs(), meta, r), askTimeout))
        .<UploadOutcome>thenApply(reply -> {
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
        })
        .exceptionally(err -> {
          Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
          if (cause instanceof ArtifactTooLargeException e) {
            return new UploadOutcome.TooLarge(e.getMessage());
          }
          if (cause instanceof InvalidModelException e) {
            return new UploadOutcome.Invalid(e.getMessage());
          }
          throw new CompletionException(cause);
        });
  }
}
