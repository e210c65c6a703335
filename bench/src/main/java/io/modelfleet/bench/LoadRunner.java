package io.modelfleet.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A closed loop: N threads, each doing one operation after another as fast as it completes, for a
 * warm-up and then a timed window. Used alike for raw ORT runs and HTTP requests, so both sides are
 * timed by the same code.
 *
 * <p>An operation counts when it ends inside the window; its latency is its own start to end with
 * System.nanoTime. The CPU time of the serving process over the window is read from {@code cpu}.
 * Each thread keeps its latencies in its own growing long[] (no sharing, no locks on the hot path);
 * they are merged and sorted after the window.
 */
public final class LoadRunner {

  /** One operation (an inference); throws when it fails. */
  public interface Op extends AutoCloseable {
    void call() throws Exception;

    /** Releases what {@link OpFactory#open} took (connections, tensors); never interrupted. */
    @Override
    default void close() {}
  }

  /** Opens a thread's operation before the clock starts (connects, builds tensors). */
  public interface OpFactory {
    Op open(int thread) throws Exception;
  }

  /** How long a straggler may take to finish its last operation after the window. */
  private static final long JOIN_GRACE_MS = 120_000;

  private LoadRunner() {}

  public static Measurement run(
      int clients,
      int rowsPerOp,
      OpFactory factory,
      Duration warmUp,
      Duration window,
      CpuMonitor cpu)
      throws InterruptedException {
    CountDownLatch opened = new CountDownLatch(clients);
    CountDownLatch go = new CountDownLatch(1);
    long[] schedule = new long[2]; // window start, window end; written before go opens
    Worker[] workers = new Worker[clients];
    List<Thread> threads = new ArrayList<>();
    AtomicReference<Exception> openFailure = new AtomicReference<>();
    for (int i = 0; i < clients; i++) {
      Worker w = new Worker(i, factory, opened, go, schedule, openFailure);
      workers[i] = w;
      Thread t = new Thread(w, "load-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    opened.await();
    if (openFailure.get() != null) {
      // An empty window (both ends in the past) sends the opened threads straight to close.
      schedule[0] = schedule[1] = Long.MIN_VALUE;
      go.countDown();
      joinAll(threads);
      throw new IllegalStateException(
          "could not open a client: " + openFailure.get().getMessage(), openFailure.get());
    }
    long start = System.nanoTime();
    schedule[0] = start + warmUp.toNanos();
    schedule[1] = schedule[0] + window.toNanos();
    go.countDown();
    sleepUntil(schedule[0]);
    CpuMonitor.Snapshot before = cpu.snapshot();
    sleepUntil(schedule[1]);
    CpuMonitor.Snapshot after = cpu.snapshot();
    joinAll(threads);

    long completed = 0;
    long errors = 0;
    String firstError = null;
    int total = 0;
    for (Worker w : workers) {
      total += w.count;
    }
    long[] all = new long[total];
    int at = 0;
    for (Worker w : workers) {
      System.arraycopy(w.latencies, 0, all, at, w.count);
      at += w.count;
      completed += w.count;
      errors += w.errors;
      if (firstError == null) {
        firstError = w.firstError;
      }
    }
    Arrays.sort(all);
    return new Measurement(
        clients,
        rowsPerOp,
        completed,
        errors,
        firstError,
        window.toNanos(),
        all,
        CpuMonitor.otherCores(before, after),
        CpuMonitor.servingCpuSeconds(before, after));
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    for (long left = nanoTime - System.nanoTime(); left > 0; left = nanoTime - System.nanoTime()) {
      Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
    }
  }

  private static void joinAll(List<Thread> threads) throws InterruptedException {
    long deadline = System.currentTimeMillis() + JOIN_GRACE_MS;
    for (Thread t : threads) {
      t.join(Math.max(1, deadline - System.currentTimeMillis()));
      if (t.isAlive()) {
        throw new IllegalStateException(
            t.getName()
                + " did not finish its operation within "
                + JOIN_GRACE_MS
                + " ms after the window");
      }
    }
  }

  private static final class Worker implements Runnable {
    private final int index;
    private final OpFactory factory;
    private final CountDownLatch opened;
    private final CountDownLatch go;
    private final long[] schedule;
    private final AtomicReference<Exception> openFailure;
    long[] latencies = new long[4096];
    int count;
    long errors;
    String firstError;

    Worker(
        int index,
        OpFactory factory,
        CountDownLatch opened,
        CountDownLatch go,
        long[] schedule,
        AtomicReference<Exception> openFailure) {
      this.index = index;
      this.factory = factory;
      this.opened = opened;
      this.go = go;
      this.schedule = schedule;
      this.openFailure = openFailure;
    }

    @Override
    public void run() {
      Op op;
      try {
        op = factory.open(index);
      } catch (Exception e) {
        openFailure.compareAndSet(null, e);
        opened.countDown();
        return;
      }
      try (Op o = op) {
        opened.countDown();
        go.await();
        long windowStart = schedule[0];
        long windowEnd = schedule[1];
        while (true) {
          long t0 = System.nanoTime();
          if (t0 >= windowEnd) {
            break;
          }
          boolean ok;
          try {
            o.call();
            ok = true;
          } catch (Exception e) {
            ok = false;
            if (firstError == null) {
              firstError = e.getMessage() == null ? e.toString() : e.getMessage();
            }
          }
          long t1 = System.nanoTime();
          if (t1 >= windowStart && t1 <= windowEnd) {
            if (ok) {
              record(t1 - t0);
            } else {
              errors++;
            }
          }
        }
      } catch (Exception e) {
        if (firstError == null) {
          firstError = "closing the client: " + e;
        }
      }
    }

    private void record(long nanos) {
      if (count == latencies.length) {
        latencies = Arrays.copyOf(latencies, count * 2);
      }
      latencies[count++] = nanos;
    }
  }
}
