package io.modelfleet.node.replica;

import io.modelfleet.node.batching.TensorBatching;
import io.modelfleet.node.ort.ModelSession;
import io.modelfleet.node.replica.InferencePipeline.ExecutionDone;
import io.modelfleet.node.replica.InferencePipeline.ExecutionFailed;
import io.modelfleet.node.replica.InferencePipeline.ExecutionSucceeded;
import io.modelfleet.node.replica.InferencePipeline.Pending;
import io.modelfleet.ops.observe.ReplicaObserver;
import io.modelfleet.protocol.replica.InferReply;
import io.modelfleet.protocol.replica.InlineReplies;
import io.modelfleet.protocol.replica.ReplicaCommand;
import io.modelfleet.protocol.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Runs one batch on the ORT executor (merge, execute, split) and answers its callers from there: a
 * reply need not wait for the actor's mailbox, which would add a thread hop to every request. Only
 * the bookkeeping goes back to the actor, as one {@link ExecutionDone}. Several batches of one
 * replica may run at once (a deployment's {@code ort.concurrent_runs}); nothing here is shared
 * between them but the session, whose {@code run} ONNX Runtime makes thread-safe.
 */
final class BatchRunner {

  private final String model;
  private final String version;
  private final String device;
  private final ModelSession session;
  private final StatsRecorder stats;
  private final Executor ortExecutor;

  private final ActorRef<ReplicaCommand> self;
  private final ResponseCaching caching;

  BatchRunner(
      String model,
      String version,
      String device,
      ModelSession session,
      StatsRecorder stats,
      Executor ortExecutor,
      ActorRef<ReplicaCommand> self,
      ResponseCaching caching) {
    this.caching = caching;
    this.model = model;
    this.version = version;
    this.device = device;
    this.session = session;
    this.stats = stats;
    this.ortExecutor = ortExecutor;
    this.self = self;
  }

  /** Starts {@code items} (of {@code rows} rows in all) on the ORT executor. */
  void launch(List<Pending> items, int rows, long launchedNanos) {
    List<String> wanted = wantedOutputs(items);
    CompletableFuture.supplyAsync(
            () -> executeAndReply(items, wanted, rows, launchedNanos), ortExecutor)
        .exceptionally(
            e ->
                failed(
                    items,
                    e instanceof CompletionException && e.getCause() != null ? e.getCause() : e,
                    launchedNanos))
        .thenAccept(self::tell);
  }

  private ExecutionDone executeAndReply(
      List<Pending> items, List<String> wanted, int rows, long launchedNanos) {
    try {
      return execute(items, wanted, rows, launchedNanos);
    } catch (Exception e) {
      return failed(items, e, launchedNanos);
    }
  }

  private ExecutionFailed failed(List<Pending> items, Throwable failure, long launchedNanos) {
    InferReply.InferFailure f = ModelSession.failure(failure);
    for (Pending p : items) {
      p.replyTo().tell(f);
    }
    return new ExecutionFailed(items, failure, launchedNanos, System.nanoTime());
  }

  /** Merging and splitting count as compute_input and compute_output. */
  private ExecutionSucceeded execute(
      List<Pending> items, List<String> wanted, int rows, long launchedNanos) throws Exception {
    if (items.size() == 1) {
      ModelSession.Execution e = session.execute(items.get(0).request().inputs(), wanted);
      answer(items, List.of(e.outputs()), e, rows);
      return new ExecutionSucceeded(items, rows, e, launchedNanos, System.nanoTime());
    }
    long t0 = System.nanoTime();
    List<List<Tensor>> inputs = new ArrayList<>(items.size());
    for (Pending p : items) {
      inputs.add(p.request().inputs());
    }
    TensorBatching.Batch batch = TensorBatching.concat(inputs);
    long merge = System.nanoTime() - t0;
    ModelSession.Execution e = session.execute(batch.inputs(), wanted, items.size());
    long t1 = System.nanoTime();
    List<List<Tensor>> split = TensorBatching.split(e.outputs(), batch.rows());
    long splitNs = System.nanoTime() - t1;
    ModelSession.Execution timed =
        new ModelSession.Execution(
            e.outputs(), e.inputNanos() + merge, e.inferNanos(), e.outputNanos() + splitNs);
    answer(items, split, timed, rows);
    return new ExecutionSucceeded(items, rows, timed, launchedNanos, System.nanoTime());
  }

  /**
   * Answers each request with its outputs and its share of the execution's compute time (by rows;
   * what usage metering charges), and shows the outputs to an observer that wants them.
   */
  private void answer(
      List<Pending> items, List<List<Tensor>> perItem, ModelSession.Execution e, int rows) {
    long compute = e.inputNanos() + e.inferNanos() + e.outputNanos();
    ReplicaObserver observer = stats.observer();
    boolean show = observer.wantsOutputs();
    for (int i = 0; i < items.size(); i++) {
      Pending p = items.get(i);
      List<Tensor> outputs = select(perItem.get(i), p.request().outputs());
      long share = rows <= 0 ? compute / items.size() : compute * p.rows() / rows;
      InferReply.InferResult result =
          new InferReply.InferResult(model, version, p.request().id(), outputs, share, device);
      if (items.size() == 1) {
        // A gateway on this node builds the response right here (see InlineReplies).
        InlineReplies.deliver(() -> p.replyTo().tell(result));
      } else {
        // Built one after the other on this thread, a batch's last response and the next batch
        // would wait for all the others: the gateway takes these up on its dispatcher.
        p.replyTo().tell(result);
      }
      caching.store(p.miss(), outputs);
      if (show) {
        observer.outputs(perItem.get(i));
      }
    }
  }

  /** The union of what the batch's requests asked for; empty (all outputs) wins. */
  private List<String> wantedOutputs(List<Pending> items) {
    Set<String> union = new LinkedHashSet<>();
    for (Pending p : items) {
      if (p.request().outputs().isEmpty()) {
        return session.outputNames(List.of());
      }
      union.addAll(p.request().outputs());
    }
    return List.copyOf(union);
  }

  private static List<Tensor> select(List<Tensor> outputs, List<String> requested) {
    if (requested.isEmpty()) {
      return outputs;
    }
    Map<String, Tensor> byName = new HashMap<>();
    for (Tensor t : outputs) {
      byName.put(t.name(), t);
    }
    List<Tensor> out = new ArrayList<>(requested.size());
    for (String name : requested) {
      out.add(byName.get(name));
    }
    return out;
  }
}
