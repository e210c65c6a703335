package io.modelfleet.node.replica;

import io.modelfleet.node.batching.BatchQueue;
import io.modelfleet.node.batching.TensorBatching;
import io.modelfleet.node.ort.InferenceValidator;
import io.modelfleet.node.ort.ModelSession;
import io.modelfleet.node.replica.ResponseCaching.Miss;
import io.modelfleet.ops.observe.FailureReason;
import io.modelfleet.ops.tracing.Tracing;
import io.modelfleet.protocol.model.BatchingSpec;
import io.modelfleet.protocol.replica.InferReply;
import io.modelfleet.protocol.replica.InferRequest;
import io.modelfleet.protocol.replica.ReplicaCommand;
import io.modelfleet.protocol.tensor.Tensor;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The data path of a READY replica: validate, queue, batch, execute, split, reply, count.
 *
 * <p>Owned by the replica actor and called only from it. By default one execution runs at a time
 * (as one Triton model instance): ONNX Runtime already spreads a run over its intra-op threads, and
 * for a large model running several at once on the same cores only makes each slower. A small
 * model, whose run is too short to spread, may allow {@code ort.concurrent_runs} executions at once
 * on the one session (Triton's instance count without copies of the weights). Executions run on the
 * ORT executor ({@link BatchRunner}) and come back to the actor as an {@link ExecutionDone}, a
 * success or a failure. The batching decisions are {@link BatchQueue}'s; this class carries them
 * out and counts.
 */
final class InferencePipeline {

  record Pending(
      InferRequest request, ActorRef<InferReply> replyTo, long arrivalNanos, int rows, Miss miss) {}

  /** Sent back to the actor after the callers were answered, for statistics and the next batch. */
  sealed interface ExecutionDone extends ReplicaMessage {
    List<Pending> items();

    /** When the execution was launched (nanoTime), for the replica's trace spans. */
    long launchedNanos();

    /** When the last caller was answered. */
    long repliedNanos();
  }

  /** Every caller got its outputs; {@code execution} has the phase timings. */
  record ExecutionSucceeded(
      List<Pending> items,
      int rows,
      ModelSession.Execution execution,
      long launchedNanos,
      long repliedNanos)
      implements ExecutionDone {}

  /** Every caller got the failure (a 500, or a 400 for an output past the size limit). */
  record ExecutionFailed(
      List<Pending> items, Throwable failure, long launchedNanos, long repliedNanos)
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
  private final ActorRef<ReplicaCommand> self;
  private final Tracing tracing;
  private final String replicaId;
  private final BatchRunner runner;
  private final ResponseCaching caching;

  /** Executions that may run at once on the session (the deployment's ort.concurrent_runs). */
  private final int maxRunning;

  private int running;
  private int executingRequests;

  /** When the earliest wake-up already scheduled fires (nanoTime), or Long.MAX_VALUE for none. */
  private long wakeAt = Long.MAX_VALUE;

  InferencePipeline(
      String model,
      String version,
      String device,
      ModelSession session,
      BatchingSpec batching,
      int concurrentRuns,
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
    this.self = self;
    this.maxRunning = Math.max(1, concurrentRuns);
    this.runner =
        new BatchRunner(model, version, device, session, stats, ortExecutor, self, caching);
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
    while (running < maxRunning) {
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
        continue;
      }
      if (d instanceof BatchQueue.Wait<Pending> wait) {
        long at = now + wait.nanos();
        if (at < wakeAt) {
          wakeAt = at;
          BATCH_TIMER.schedule(() -> self.tell(new PumpTick()), wait.nanos(), TimeUnit.NANOSECONDS);
        }
      }
      return;
    }
  }

  /**
   * The client of the request that named {@code replyTo} went away: if it is still queued it is
   * dropped, never computed, and counted as a failure with reason CANCELED. Nobody is told: the
   * gateway answered its side already.
   */
  void cancel(ActorRef<InferReply> replyTo) {
    Pending p = queue.remove(q -> q.replyTo().equals(replyTo));
    if (p != null) {
      stats.failed(FailureReason.CANCELED, System.nanoTime() - p.arrivalNanos());
      // Its leaving may let the rest form a batch now.
      pump();
    }
  }

  private void launch(List<Pending> items, long now) {
    running++;
    executingRequests += items.size();
    int rows = 0;
    for (Pending p : items) {
      stats.queued(now - p.arrivalNanos());
      rows += p.rows();
    }
    runner.launch(items, rows, now);
  }

  /** The callers have their answers already (see {@link BatchRunner}); count and go on. */
  void done(ExecutionDone d) {
    running--;
    executingRequests -= d.items().size();
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
            epochNow - (nanoNow - d.launchedNanos()),
            epochNow - (nanoNow - d.repliedNanos()),
            d.items().size(),
            rows,
            d instanceof ExecutionSucceeded);
      }
    }
  }

  /** Answers every queued request (the replica is going away and draining ran out of time). */
  void failQueued(String why) {
    long now = System.nanoTime();
    queue.drainAll(
        p -> refuse(p.replyTo(), InferReply.InferFailure.leaving(why), p.arrivalNanos(), now));
    stats.pending(outstanding(), queue.size());
  }

  /** Answers a request that will not run, and counts it as failed. */
  private void refuse(ActorRef<InferReply> to, InferReply.InferFailure r, long arrival, long now) {
    stats.failed(FailureReason.ofStatus(r.status()), now - arrival);
    to.tell(r);
  }
}
