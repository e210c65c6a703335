package io.modelfleet.gateway.limits;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A request let through, holding its places in the in-flight counts of its key and tenant (either
 * may be absent). {@link #release()} gives them back and is idempotent and thread-safe, so the
 * route may call it from every way a request ends (response sent, failure, client gone) without
 * counting one twice. When neither has an in-flight limit, the answer is the shared {@link #FREE},
 * so a request admitted by rate alone allocates nothing.
 */
public final class Admitted implements Admission {

  /** Admitted holding no in-flight place: releasing it does nothing. */
  public static final Admitted FREE = new Admitted(null, null);

  private static final VarHandle RELEASED;

  static {
    try {
      RELEASED = MethodHandles.lookup().findVarHandle(Admitted.class, "released", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final InFlight key;
  private final InFlight tenant;

  @SuppressWarnings("unused") // through RELEASED
  private volatile boolean released;

  Admitted(InFlight key, InFlight tenant) {
    this.key = key;
    this.tenant = tenant;
  }

  /** Gives back the request's in-flight places; later calls do nothing. */
  public void release() {
    if ((key != null || tenant != null) && RELEASED.compareAndSet(this, false, true)) {
      if (key != null) {
        key.release();
      }
      if (tenant != null) {
        tenant.release();
      }
    }
  }

  /** Whether this admission holds in-flight places (false for {@link #FREE}). */
  public boolean holdsPlaces() {
    return key != null || tenant != null;
  }
}
