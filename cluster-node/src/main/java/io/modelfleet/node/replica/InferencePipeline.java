package io.modelfleet.node.replica;

import io.modelfleet.node.batching.BatchQueue;
import io.modelfleet.node.batching.TensorBatching;
import io.modelfleet.node.ort.InferenceValidator;
import io.modelfleet.node.ort.ModelSession;
import io.modelfleet.node.replica.ResponseCaching.Miss;
import io.modelfleet.ops.observe.FailureReason;
import io.modelfleet.ops.observe.ReplicaObserver;
import io.modelfleet.ops.tracing.Tracing;
import io.modelfleet.protocol.model.BatchingSpec;
import io.modelfleet.protocol.replica.InferReply;
import io.modelfleet.protocol.replica.InferRequest;
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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The data path of a READY replica: validate, queue, batch, execute, split, reply, count.
 *
 * <p>Owned by the replica actor and called only from it. One execution runs at a time (as one
 * Triton model instance): ONNX Runtime already spreads a run over its intra-op threads, and running
 * several at once on the same cores would only make each slower. Executions run on the ORT executor
 * and come back to the actor as an {@link ExecutionDone}, a success or a failure. The batching
 * decisions are {@link BatchQueue}'s; this class carries them out and measures each phase for the
 * statistics.
 */
final class InferencePipeline {

  record Pending(
      InferRequest request, ActorRef<InferReply> replyTo, long arrivalNanos, int rows, Miss miss) {}

  /** Sent back to the actor after the callers were answered, for statistics and the next batch. */
  sealed interface ExecutionDone extends ReplicaMessage {
    List<Pending> items();

    /** When the last caller was answered. */
    long repliedNanos();
  }

  /** Every caller got its outputs; {@code execution} has the phase timings. */
  record ExecutionSucceeded(
      List<Pending> items, int rows, ModelSession.Execution execution, long repliedNanos)
      implements ExecutionDone {}

  /** Every caller got the failure (a 500, or a 400 for an output past the size limit). */
  record ExecutionFailed(List<Pending> items, Throwable failure, long repliedNanos)
      implements ExecutionDone {}

  /** A batch waiting for company may be due (see {@link #pump}). */
  record PumpTick() implements ReplicaMessage {}

  /**
   * Wakes replicas whose batch is waiting for company. Pekko's scheduler ticks every 10 ms, which
   * would turn a 500 µs max_queue_delay into 10 to 30 ms; a scheduled executor keeps the delay to
   * within tens of microseconds. One daemon thread serves every replica: it only sends a message.
   */
  private static final ScheduledExecutorService BATCH_TIMER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "modelfleet-batch-timer");
            t.setDaemon(true);
            return t;
          });

  private final String model;
  private final String version;
  private final String device;
  private final ModelSession session;
  private final BatchingSpec batching;
  private final BatchQueue<Pending> queue;
  private final StatsRecorder stats;
  private final Executor ortExecutor;
  private final ActorRef<ReplicaCommand> self;
  private final Tracing tracing;
  private final String replicaId;
  private final ResponseCaching caching;
  private int executingRequests;

  /** When the running execution was launched (nanoTime), for the replica's trace spans. */
  private long launchedNanos;

  /** When the earliest wake-up already scheduled fires (nanoTime), or Long.MAX_VALUE for none. */
  private long wakeAt = Long.MAX_VALUE;

  InferencePipeline(
      String model,
      String version,
      String device,
      ModelSession session,
      BatchingSpec batching,
      StatsRecorder stats,
      Executor ortExecutor,
      ActorRef<ReplicaCommand> self,
      Tracing tracing,
      String replicaId,
      ResponseCaching caching) {
    this.caching = caching;
    this.tracing = tracing;
    this.replicaId = replicaId;
    this.model = model;
    this.version = version;
    this.device = device;
    this.session = session;
    this.batching = batching;
    this.queue = new BatchQueue<>(batching);
    this.stats = stats;
    this.ortExecutor = ortExecutor;
    this.self = self;
  }

  /** Requests accepted and not yet answered. */
  int outstanding() {
    return queue.size() + executingRequests;
  }

  void submit(ReplicaCommand.Infer m) {
    long now = System.nanoTime();
    InferRequest req = m.request();
    String problem = InferenceValidator.problem(session.inputs(), session.outputs(), req);
    if (problem != null) {
      refuse(m.replyTo(), new InferReply.InferFailure(400, problem), now, now);
      return;
    }
    Miss miss = caching.lookup(m, now);
    if (miss == ResponseCaching.HIT) {
      return;
    }
    // Inputs disagreeing on dimension 0 (or scalars) cannot be merged: the request runs alone.
    Object key = batching.batches() ? TensorBatching.batchKey(req.inputs()) : null;
    int rows = key != null || batching.maxBatchSize() > 0 ? rowsOf(req) : 1;
    long deadline = req.timeoutMicros() > 0 ? now + req.timeoutMicros() * 1000 : Long.MAX_VALUE;
    Pending p = new Pending(req, m.replyTo(), now, rows, miss);
    switch (queue.offer(p, key, rows, req.priority(), deadline, now)) {
      case QUEUE_FULL ->
          refuse(
              m.replyTo(),
              new InferReply.InferFailure(
                  503,
                  "model '"
                      + model
                      + "' version '"
                      + version
                      + "' is overloaded: "
                      + queue.size()
                      + " requests already queued (max_queue_size "
                      + batching.maxQueueSize()
                      + ")"),
              now,
              now);
      case TOO_LARGE ->
          refuse(
              m.replyTo(),
              new InferReply.InferFailure(
                  400,
                  "the request has "
                      + rows
                      + " rows along dimension 0 but the deployment's max_batch_size is "
                      + batching.maxBatchSize()),
              now,
              now);
      case ACCEPTED -> pump();
    }
  }

  private static int rowsOf(InferRequest req) {
    Tensor first = req.inputs().isEmpty() ? null : req.inputs().get(0);
    return first == null || first.shape().length == 0
        ? 1
        : (int) Math.min(Integer.MAX_VALUE, first.shape()[0]);
  }

  /**
   * Runs what can run now (dropping what expired in the queue), then reports the outstanding and
   * waiting requests: every change of either ends in a pump.
   */
  void pump() {
    dispatch();
    stats.pending(outstanding(), queue.size());
  }

  private void dispatch() {
    long now = System.nanoTime();
    if (now >= wakeAt) {
      wakeAt = Long.MAX_VALUE;
    }
    if (executingRequests > 0) {
      return;
    }
    BatchQueue.Decision<Pending> d = queue.poll(now);
    for (Pending p : d.expired()) {
      stats.timedOut(now - p.arrivalNanos());
      p.replyTo()
          .tell(
              new InferReply.InferFailure(
                  504,
                  "the request waited "
                      + (now - p.arrivalNanos()) / 1000
                      + " µs in the queue, past its timeout of "
                      + p.request().timeoutMicros()
                      + " µs, and was not run"));
    }
    if (d instanceof BatchQueue.Run<Pending> run) {
      launch(run.items(), now);
    } else if (d instanceof BatchQueue.Wait<Pending> wait) {
      long at = now + wait.nanos();
      if (at < wakeAt) {
        wakeAt = at;
        BATCH_TIMER.schedule(() -> self.tell(new PumpTick()), wait.nanos(), TimeUnit.NANOSECONDS);
      }
    }
  }

  private void launch(List<Pending> items, long now) {
    executingRequests = items.size();
    launchedNanos = now;
    int rows = 0;
    for (Pending p : items) {
      stats.queued(now - p.arrivalNanos());
      rows += p.rows();
    }
    int totalRows = rows;
    List<String> wanted = wantedOutputs(items);
    CompletableFuture.supplyAsync(() -> executeAndReply(items, wanted, totalRows), ortExecutor)
        .exceptionally(
            e ->
                failed(
                    items,
                    e instanceof CompletionException && e.getCause() != null ? e.getCause() : e))
        .thenAccept(self::tell);
  }

  /**
   * Runs on the ORT executor and answers the callers from there: a reply need not wait for the
   * actor's mailbox, which would add a thread hop to every request. Only the bookkeeping goes back.
   */
  private ExecutionDone executeAndReply(List<Pending> items, List<String> wanted, int rows) {
    try {
      return execute(items, wanted, rows);
    } catch (Exception e) {
      return failed(items, e);
    }
  }

  private ExecutionFailed failed(List<Pending> items, Throwable failure) {
    InferReply.InferFailure f = ModelSession.failure(failure);
    for (Pending p : items) {
      p.replyTo().tell(f);
    }
    return new ExecutionFailed(items, failure, System.nanoTime());
  }

  /** Runs on the ORT executor. Merging and splitting count as compute_input and compute_output. */
  private ExecutionSucceeded execute(List<Pending> items, List<String> wanted, int rows)
      throws Exception {
    if (items.size() == 1) {
      ModelSession.Execution e = session.execute(items.get(0).request().inputs(), wanted);
      answer(items, List.of(e.outputs()), e, rows);
      return new ExecutionSucceeded(items, rows, e, System.nanoTime());
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
    return new ExecutionSucceeded(items, rows, timed, System.nanoTime());
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
      p.replyTo()
          .tell(
              new InferReply.InferResult(model, version, p.request().id(), outputs, share, device));
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

  /** The callers have their answers already (see {@link #executeAndReply}); count and go on. */
  void done(ExecutionDone d) {
    executingRequests = 0;
    if (tracing.enabled()) {
      trace(d);
    }
    if (d instanceof ExecutionSucceeded ok) {
      ModelSession.Execution e = ok.execution();
      stats.execution(
          ok.items().size(), ok.rows(), e.inputNanos(), e.inferNanos(), e.outputNanos());
      for (Pending p : ok.items()) {
        stats.succeeded(ok.repliedNanos() - p.arrivalNanos(), p.miss());
      }
    } else {
      FailureReason reason =
          FailureReason.ofStatus(ModelSession.failure(((ExecutionFailed) d).failure()).status());
      for (Pending p : d.items()) {
        stats.failed(reason, d.repliedNanos() - p.arrivalNanos());
      }
    }
    pump();
  }

  /** The queue and compute spans of the requests of {@code d} that came with a trace. */
  private void trace(ExecutionDone d) {
    long epochNow = System.currentTimeMillis() * 1_000_000L;
    long nanoNow = System.nanoTime();
    int rows = d instanceof ExecutionSucceeded ok ? ok.rows() : d.items().size();
    for (Pending p : d.items()) {
      String parent = p.request().traceparent();
      if (parent != null) {
        tracing.replicaSpans(
            parent,
            model,
            version,
            replicaId,
            epochNow - (nanoNow - p.arrivalNanos()),
            epochNow - (nanoNow - launchedNanos),
            epochNow - (nanoNow - d.repliedNanos()),
            d.items().size(),
            rows,
            d instanceof ExecutionSucceeded);
      }
    }
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

  /** Answers every queued request (the replica is going away and draining ran out of time). */
  void failQueued(String why) {
    long now = System.nanoTime();
    queue.drainAll(
        p -> refuse(p.replyTo(), new InferReply.InferFailure(503, why), p.arrivalNanos(), now));
    stats.pending(outstanding(), queue.size());
  }

  /** Answers a request that will not run, and counts it as failed. */
  private void refuse(ActorRef<InferReply> to, InferReply.InferFailure r, long arrival, long now) {
    stats.failed(FailureReason.ofStatus(r.status()), now - arrival);
    to.tell(r);
  }
}
