package io.modelfleet.gateway.memory;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.oip.tensor.MemoryReservation;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;

/**
 * Admits inference requests against the gateway's {@link MemoryBudget}, so that bodies and their
 * decoded tensors held at once stay within {@code modelfleet.gateway.max-body-bytes-in-flight}.
 *
 * <p>A request is admitted by its Content-Length before its body is read, waiting up to {@code
 * body-admission-wait} for room (503 after that; 413 at once when it could never fit). A body
 * without a length is admitted empty and charged chunk by chunk as it arrives. While it is parsed,
 * each tensor buffer is charged before it is allocated ({@link Ticket#reserve}), without waiting:
 * the request already holds memory, and waiting while holding is how budgets deadlock. So is the
 * JSON of its response, before it is written ({@link Ticket#reserveResponse}). Everything a request
 * was charged goes back in one {@link Ticket#release}, which the route calls when the request ends
 * in any way.
 */
public final class BodyAdmission {

  private final MemoryBudget budget;
  private final Duration wait;

  public BodyAdmission(MemorySettings settings) {
    this(new MemoryBudget(settings.bodyBytesInFlight()), settings.admissionWait());
  }

  /**
   * The admission of {@code system}'s gateway: one budget per actor system, because the heap it
   * protects is the JVM's, shared by every route that reads a body.
   */
  public static BodyAdmission get(ActorSystem system) {
    return Id.INSTANCE.get(system).admission;
  }

  private record Holder(BodyAdmission admission) implements Extension {}

  private static final class Id extends AbstractExtensionId<Holder> {
    static final Id INSTANCE = new Id();

    @Override
    public Holder createExtension(ExtendedActorSystem system) {
      return new Holder(new BodyAdmission(MemorySettings.fromConfig(system.settings().config())));
    }
  }

  BodyAdmission(MemoryBudget budget, Duration wait) {
    this.budget = budget;
    this.wait = wait;
  }

  public MemoryBudget budget() {
    return budget;
  }

  /**
   * A ticket holding {@code declaredBytes}, once they fit.
   *
   * @return a stage failed with {@link ApiException} 413 when the body alone is larger than the
   *     budget, or 503 when no room was made within the wait
   */
  public CompletionStage<Ticket> admit(long declaredBytes) {
    if (declaredBytes > budget.capacity()) {
      return CompletableFuture.failedFuture(
          new ApiException(
              413,
              "the request needs "
                  + declaredBytes
                  + " bytes of memory for its body, more than the gateway's whole budget for requests in flight ("
                  + budget.capacity()
                  + " bytes, "
                  + MemorySettings.BUDGET_KEY
                  + ")"));
    }
    CompletableFuture<Void> granted = budget.acquire(declaredBytes);
    CompletableFuture<Ticket> ticket = granted.thenApply(v -> new Ticket(declaredBytes));
    if (!granted.isDone()) {
      CompletableFuture.delayedExecutor(wait.toMillis(), TimeUnit.MILLISECONDS)
          .execute(
              () -> {
                if (budget.cancel(granted)) {
                  granted.completeExceptionally(
                      new ApiException(
                          503,
                          "the gateway is busy: requests in flight hold "
                              + budget.used()
                              + " of the "
                              + budget.capacity()
                              + " bytes it allows them ("
                              + MemorySettings.BUDGET_KEY
                              + "), and this "
                              + declaredBytes
                              + "-byte request found no room within "
                              + wait.toMillis()
                              + " ms ("
                              + MemorySettings.WAIT_KEY
                              + "); retry later"));
                }
              });
    }
    return ticket;
  }

  /**
   * A ticket for {@code declaredBytes} if they fit at once without waiting behind anyone, else null
   * (the caller then takes {@link #admit}). No future, no timer: this is every request's path while
   * the node has room.
   */
  public Ticket admitNow(long declaredBytes) {
    if (declaredBytes > budget.capacity()) {
      return null;
    }
    return budget.tryAcquireFirst(declaredBytes) ? new Ticket(declaredBytes) : null;
  }

  /** What one admitted request holds; released once, whatever happens to the request. */
  public final class Ticket implements MemoryReservation {
    private final AtomicLong held;
    private final AtomicBoolean released = new AtomicBoolean();

    private Ticket(long initial) {
      this.held = new AtomicLong(initial);
    }

    public long held() {
      return held.get();
    }

    /** Charges a chunk of a body that came without a Content-Length. */
    public void reserveBody(long bytes) {
      charge(bytes, "its body");
    }

    /** Charges the JSON of the response before it is written. */
    public void reserveResponse(long bytes) {
      charge(bytes, "its response");
    }

    /** Charges a decoded tensor buffer before it is allocated (the tensor parser calls this). */
    @Override
    public void reserve(String who, long bytes) {
      charge(bytes, who + " decoded");
    }

    private void charge(long bytes, String what) {
      if (held.get() + bytes > budget.capacity()) {
        throw new ApiException(
            413,
            "the request needs more memory than the gateway's whole budget for requests in"
                + " flight allows ("
                + budget.capacity()
                + " bytes, "
                + MemorySettings.BUDGET_KEY
                + "): it holds "
                + held.get()
                + " bytes and "
                + what
                + " needs "
                + bytes
                + " more");
      }
      if (!budget.tryAcquire(bytes)) {
        throw new ApiException(
            503,
            "the gateway is busy: requests in flight hold "
                + budget.used()
                + " of the "
                + budget.capacity()
                + " bytes it allows them ("
                + MemorySettings.BUDGET_KEY
                + "), and "
                + what
                + " needs "
                + bytes
                + " more; retry later");
      }
      held.addAndGet(bytes);
      if (released.get()) {
        // Charged after the request ended (a late callback): give it straight back.
        budget.release(held.getAndSet(0));
      }
    }

    /** Returns everything this request holds; later calls do nothing. */
    public void release() {
      if (released.compareAndSet(false, true)) {
        budget.release(held.getAndSet(0));
      }
    }
  }
}
