package io.modelfleet.node.batching;

import io.modelfleet.protocol.model.BatchingSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The requests waiting on one replica, and what it should execute next, with the semantics of
 * Triton's dynamic batcher. Pure logic: the owner (the replica actor) passes the time in as {@code
 * nowNanos} from one monotonic clock and arms its own timer when told to {@link Wait}. Not
 * thread-safe; one owner calls it.
 *
 * <p>Order is by priority, then arrival. Priority follows Triton: 1 is the highest, larger numbers
 * are lower, and 0 (the default) is the lowest of all, so the order is 1, 2, 3, ..., 0.
 *
 * <p>{@link #poll} first removes requests whose deadline has passed and returns them on the
 * decision, then looks at the head (highest priority, oldest):
 *
 * <pre>
 * situation                                              decision
 * queue empty                                            Idle
 * batching off, or the head cannot be batched (null key) Run [head]
 * compatible rows gathered reach maxBatchSize            Run all gathered
 * a prefix of them makes a preferred size                Run the prefix of the largest such size
 * the next compatible request would overflow             Run all gathered (the batch cannot grow)
 * the head has waited maxQueueDelay                      Run all gathered
 * otherwise                                              Wait until the delay ends or a deadline passes
 * </pre>
 *
 * Gathering walks the queue in order and takes only requests with the head's batch key; it stops at
 * the first compatible request that would overflow rather than skipping it, so a large request is
 * never overtaken by smaller ones behind it.
 */
public final class BatchQueue<T> {

  /** What {@link #offer} did. QUEUE_FULL is the replica's 503; TOO_LARGE is the client's 400. */
  public enum Offer {
    ACCEPTED,
    QUEUE_FULL,
    TOO_LARGE
  }

  /**
   * What the replica should do now. Every decision carries the requests that timed out in queue.
   */
  public sealed interface Decision<T> permits Run, Wait, Idle {
    /** Requests removed because their deadline passed before they ran, in queue order. */
    List<T> expired();
  }

  /** Execute {@code items} as one batch now, in this order (the order to concatenate in). */
  public record Run<T>(List<T> items, List<T> expired) implements Decision<T> {}

  /**
   * Nothing to run yet; poll again after {@code nanos} (always positive) or when a request arrives.
   */
  public record Wait<T>(long nanos, List<T> expired) implements Decision<T> {}

  /** The queue is empty. */
  public record Idle<T>(List<T> expired) implements Decision<T> {}

  /** {@code rank} is the sort priority: 0 (default) becomes the largest so it sorts last. */
  private record Entry<T>(
      T item, Object key, int rows, long rank, long seq, long enqueuedNanos, long deadlineNanos) {}

  private final BatchingSpec spec;
  private final long maxDelayNanos;
  private final Set<Integer> preferred;
  private final TreeSet<Entry<T>> queue =
      new TreeSet<>(Comparator.<Entry<T>>comparingLong(Entry::rank).thenComparingLong(Entry::seq));

  /** Arrival counter: FIFO within a priority must not depend on two requests' clocks differing. */
  private long nextSeq;

  public BatchQueue(BatchingSpec spec) {
    this.spec = spec;
    long micros = Math.max(0, spec.maxQueueDelayMicros());
    this.maxDelayNanos = micros > Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : micros * 1000;
    // A preferred size above the maximum can never be formed; dropping it keeps the check simple.
    this.preferred =
        spec.preferredBatchSizes().stream()
            .filter(p -> p > 0 && p <= spec.maxBatchSize())
            .collect(Collectors.toUnmodifiableSet());
  }

  /**
   * Queues a request.
   *
   * @param batchKey requests batch together only when their keys are equal; null runs it alone
   * @param rows its dimension 0, counted against maxBatchSize
   * @param priority Triton's: 1 highest, 0 default (lowest); negative is a caller bug
   * @param deadlineNanos the last instant it may start; {@code Long.MAX_VALUE} for none
   * @return TOO_LARGE when the model takes batches of at most maxBatchSize rows and this request
   *     alone has more (it could never run, so it is refused before the queue is considered);
   *     QUEUE_FULL when maxQueueSize requests are waiting (0 or less means unbounded, as in
   *     Triton); else ACCEPTED
   */
  public Offer offer(
      T item, Object batchKey, int rows, int priority, long deadlineNanos, long nowNanos) {
    if (priority < 0 || rows < 0) {
      throw new IllegalArgumentException(
          "priority " + priority + " and rows " + rows + " must not be negative");
    }
    // maxBatchSize 0 means the server does not batch this model, so any row count is the model's
    // business.
    if (spec.maxBatchSize() > 0 && rows > spec.maxBatchSize()) {
      return Offer.TOO_LARGE;
    }
    if (spec.maxQueueSize() > 0 && queue.size() >= spec.maxQueueSize()) {
      return Offer.QUEUE_FULL;
    }
    long rank = priority == 0 ? Long.MAX_VALUE : priority;
    queue.add(new Entry<>(item, batchKey, rows, rank, nextSeq++, nowNanos, deadlineNanos));
    return Offer.ACCEPTED;
  }

  /** Decides what to execute now; see the class comment. Removes what it returns. */
  public Decision<T> poll(long nowNanos) {
    List<T> expired = expire(nowNanos);
    if (queue.isEmpty()) {
      return new Idle<>(expired);
    }
    Entry<T> head = queue.first();
    if (!spec.batches() || head.key() == null) {
      queue.remove(head);
      return new Run<>(List.of(head.item()), expired);
    }
    List<Entry<T>> gathered = new ArrayList<>();
    int total = 0;
    int atPreferred = 0; // items in the longest prefix making the largest preferred size seen
    boolean closed = false;
    for (Entry<T> e : queue) {
      if (!head.key().equals(e.key())) {
        continue;
      }
      if (total + e.rows() > spec.maxBatchSize()) {
        closed = true;
        break;
      }
      gathered.add(e);
      total += e.rows();
      // Totals only grow, so the last hit is the largest preferred size reachable exactly.
      if (preferred.contains(total)) {
        atPreferred = gathered.size();
      }
    }
    int take;
    if (total == spec.maxBatchSize()) {
      take = gathered.size();
    } else if (atPreferred > 0) {
      take = atPreferred;
    } else if (closed || nowNanos - head.enqueuedNanos() >= maxDelayNanos) {
      take = gathered.size();
    } else {
      return new Wait<>(waitNanos(head, nowNanos), expired);
    }
    List<T> items = new ArrayList<>(take);
    for (Entry<T> e : gathered.subList(0, take)) {
      queue.remove(e);
      items.add(e.item());
    }
    return new Run<>(List.copyOf(items), expired);
  }

  /**
   * Removes and returns the requests whose deadline is before {@code nowNanos}, in queue order.
   * {@link #poll} does this itself; a replica that is busy executing can call it to answer timeouts
   * without taking a batch it cannot run yet.
   */
  public List<T> expire(long nowNanos) {
    List<T> expired = new ArrayList<>();
    for (Iterator<Entry<T>> it = queue.iterator(); it.hasNext(); ) {
      Entry<T> e = it.next();
      if (e.deadlineNanos() < nowNanos) {
        it.remove();
        expired.add(e.item());
      }
    }
    return List.copyOf(expired);
  }

  /**
   * Removes the first queued request that {@code which} accepts (a request whose client went away)
   * and returns it, or null when none is queued (it ran already, or never came).
   */
  public T remove(Predicate<T> which) {
    for (Iterator<Entry<T>> it = queue.iterator(); it.hasNext(); ) {
      Entry<T> e = it.next();
      if (which.test(e.item())) {
        it.remove();
        return e.item();
      }
    }
    return null;
  }

  /** Requests waiting. */
  public int size() {
    return queue.size();
  }

  /** Empties the queue, handing each request to {@code fail} in queue order (on shutdown). */
  public void drainAll(Consumer<T> fail) {
    List<Entry<T>> all = new ArrayList<>(queue);
    // Cleared first so that a callback which offers or polls sees the queue already empty.
    queue.clear();
    all.forEach(e -> fail.accept(e.item()));
  }

  /**
   * Until the head's delay runs out, or sooner until the first instant a queued request is expired
   * (one past its deadline, since a request may still start at its deadline). Both are in the
   * future: poll has just fired any head whose delay ran out and removed every expired one.
   */
  private long waitNanos(Entry<T> head, long nowNanos) {
    long wait = saturatedAdd(head.enqueuedNanos(), maxDelayNanos) - nowNanos;
    for (Entry<T> e : queue) {
      if (e.deadlineNanos() != Long.MAX_VALUE) {
        wait = Math.min(wait, e.deadlineNanos() - nowNanos + 1);
      }
    }
    return wait;
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }
}
