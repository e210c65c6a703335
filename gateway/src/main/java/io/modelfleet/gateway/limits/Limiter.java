package io.modelfleet.gateway.limits;

import io.modelfleet.gateway.limits.Refused.Kind;
import io.modelfleet.gateway.limits.Refused.Scope;
import io.modelfleet.protocol.security.ApiKey;
import io.modelfleet.protocol.security.KeyLimits;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * Decides whether an authenticated request or upload may go on, by its key's limits and then its
 * tenant's ({@link LimitSettings}), each divided among the Up gateways ({@link ClusterShare}). Pure
 * and thread-safe: state lives in concurrent maps by key id and tenant name, times are passed in,
 * and nothing blocks. A request that passes every limit allocates nothing unless an in-flight limit
 * applies (then one {@link Admitted} holds its places); one that a later limit refuses gives back
 * what earlier ones took, so a refusal costs the client nothing.
 *
 * <p>State follows the key record: an {@link ApiKey} with other limits, or a change in the number
 * of gateways, gets a fresh (full) bucket and keeps its in-flight count. State unused for {@code
 * forget-after} is dropped, once nothing is in flight and the bucket has refilled, so memory is
 * bounded by the keys and tenants recently active. Upload quotas are kept per UTC day and dropped
 * when the day is over.
 */
public final class Limiter {

  private final LimitSettings settings;
  private final IntSupplier gateways;
  private final long forgetNanos;
  private final ConcurrentHashMap<String, RateState> keys = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, RateState> tenants = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, UploadQuota> keyUploads = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, UploadQuota> tenantUploads = new ConcurrentHashMap<>();
  private final AtomicLong nextSweep = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong uploadDay = new AtomicLong(Long.MIN_VALUE);

  /**
   * @param gateways the number of Up cluster members with the gateway role (read per request, so it
   *     must be cheap: a volatile field the membership listener updates); values below 1 count as 1
   */
  public Limiter(LimitSettings settings, IntSupplier gateways) {
    this.settings = settings;
    this.gateways = gateways;
    this.forgetNanos = settings.forgetAfter().toNanos();
  }

  /**
   * Admits one request of {@code key} at {@code nowNanos} ({@link System#nanoTime()}), or refuses
   * it naming the first limit it passes: the key's rate, the key's in-flight, the tenant's rate,
   * the tenant's in-flight. An {@link Admitted} answer must be released when the request ends.
   */
  public Admission admit(ApiKey key, long nowNanos) {
    KeyLimits keyLimits = key.limits();
    String tenant = tenantOf(key);
    KeyLimits tenantLimits = settings.forTenant(tenant);
    boolean keyLimited = limitsRequests(keyLimits);
    boolean tenantLimited = limitsRequests(tenantLimits);
    if (!keyLimited && !tenantLimited) {
      return Admitted.FREE;
    }
    maybeSweep(nowNanos);
    int n = gatewayCount();
    RateState k = keyLimited ? state(keys, key.id(), keyLimits, n, nowNanos) : null;
    RateState t = tenantLimited ? state(tenants, tenant, tenantLimits, n, nowNanos) : null;

    boolean keyToken = false;
    boolean keyPlace = false;
    if (k != null) {
      if (k.bucket != null) {
        long wait = k.bucket.tryTake(nowNanos);
        if (wait > 0) {
          return rateRefused(Scope.KEY, tenant, keyLimits, n, wait);
        }
        keyToken = true;
      }
      if (k.inFlight != null) {
        if (!k.inFlight.tryAcquire()) {
          undo(k, keyToken, false, nowNanos);
          return inFlightRefused(Scope.KEY, tenant, keyLimits, n);
        }
        keyPlace = true;
      }
    }
    boolean tenantToken = false;
    if (t != null) {
      if (t.bucket != null) {
        long wait = t.bucket.tryTake(nowNanos);
        if (wait > 0) {
          undo(k, keyToken, keyPlace, nowNanos);
          return rateRefused(Scope.TENANT, tenant, tenantLimits, n, wait);
        }
        tenantToken = true;
      }
      if (t.inFlight != null && !t.inFlight.tryAcquire()) {
        undo(t, tenantToken, false, nowNanos);
        undo(k, keyToken, keyPlace, nowNanos);
        return inFlightRefused(Scope.TENANT, tenant, tenantLimits, n);
      }
    }
    InFlight keyCount = keyPlace ? k.inFlight : null;
    InFlight tenantCount = t != null ? t.inFlight : null;
    return keyCount == null && tenantCount == null
        ? Admitted.FREE
        : new Admitted(keyCount, tenantCount);
  }

  /**
   * Admits an upload of {@code bytes} (its Content-Length; negative when unknown) by {@code key} at
   * {@code nowMillis} (epoch milliseconds, for the UTC day), reserving the bytes on the key's and
   * the tenant's daily quotas, or refuses it naming the quota. Settle the {@link UploadAdmitted}
   * with the bytes stored when the upload ends. Rate and in-flight are not checked here: the upload
   * request went through {@link #admit} like any other.
   */
  public UploadAdmission admitUpload(ApiKey key, long bytes, long nowMillis) {
    long keyQuota = key.limits().uploadBytesPerDay();
    String tenant = tenantOf(key);
    long tenantQuota = settings.forTenant(tenant).uploadBytesPerDay();
    if (keyQuota == 0 && tenantQuota == 0) {
      return UploadAdmitted.FREE;
    }
    forgetPastDays(nowMillis);
    int n = settings.divideUploads() ? gatewayCount() : 1;
    UploadQuota.Reservation onKey = null;
    if (keyQuota > 0) {
      UploadQuota q = quota(keyUploads, key.id(), ClusterShare.bytes(keyQuota, n));
      onKey = q.reserve(bytes, nowMillis);
      if (onKey == null) {
        return uploadRefused(Scope.KEY, tenant, q, bytes, n, nowMillis);
      }
    }
    UploadQuota.Reservation onTenant = null;
    if (tenantQuota > 0) {
      UploadQuota q = quota(tenantUploads, tenant, ClusterShare.bytes(tenantQuota, n));
      onTenant = q.reserve(bytes, nowMillis);
      if (onTenant == null) {
        if (onKey != null) {
          onKey.settle(0);
        }
        return uploadRefused(Scope.TENANT, tenant, q, bytes, n, nowMillis);
      }
    }
    return new UploadAdmitted(onKey, onTenant);
  }

  /** Drops the state of keys and tenants unused for forget-after (also done as requests come). */
  public void sweep(long nowNanos) {
    keys.values().removeIf(s -> s.forgettable(nowNanos, forgetNanos));
    tenants.values().removeIf(s -> s.forgettable(nowNanos, forgetNanos));
  }

  /** Keys and tenants with rate or in-flight state held now. */
  public int trackedStates() {
    return keys.size() + tenants.size();
  }

  /** Keys and tenants with an upload count held now. */
  public int trackedUploadQuotas() {
    return keyUploads.size() + tenantUploads.size();
  }

  private static boolean limitsRequests(KeyLimits l) {
    return l.requestsPerSecond() > 0 || l.maxInFlight() > 0;
  }

  private static String tenantOf(ApiKey key) {
    return key.tenant() == null ? "" : key.tenant();
  }

  private int gatewayCount() {
    return Math.max(1, gateways.getAsInt());
  }

  /** The current state for {@code id}; built anew only when absent or its limits changed. */
  private static RateState state(
      ConcurrentHashMap<String, RateState> map, String id, KeyLimits limits, int n, long nowNanos) {
    RateState s = map.get(id);
    if (s == null || !s.matches(limits, n)) {
      s =
          map.compute(
              id,
              (unused, old) ->
                  old != null && old.matches(limits, n)
                      ? old
                      : RateState.create(limits, n, old, nowNanos));
    }
    s.touch(nowNanos);
    return s;
  }

  private static void undo(RateState s, boolean token, boolean place, long nowNanos) {
    if (token) {
      s.bucket.giveBack(nowNanos);
    }
    if (place) {
      s.inFlight.release();
    }
  }

  private static UploadQuota quota(
      ConcurrentHashMap<String, UploadQuota> map, String id, long limit) {
    UploadQuota q = map.computeIfAbsent(id, unused -> new UploadQuota(limit));
    q.setLimit(limit);
    return q;
  }

  /** At most once per sweep interval, from whichever request comes first after it. */
  private void maybeSweep(long nowNanos) {
    long due = nextSweep.get();
    long interval = Math.max(1, forgetNanos / 2);
    if (due == Long.MIN_VALUE) {
      nextSweep.compareAndSet(due, nowNanos + interval);
    } else if (nowNanos - due >= 0 && nextSweep.compareAndSet(due, nowNanos + interval)) {
      sweep(nowNanos);
    }
  }

  /** At the first upload of a UTC day, yesterday's counts go. */
  private void forgetPastDays(long nowMillis) {
    long today = UploadQuota.utcDay(nowMillis);
    long seen = uploadDay.get();
    if (seen != today && uploadDay.compareAndSet(seen, today)) {
      keyUploads.values().removeIf(q -> q.stale(nowMillis));
      tenantUploads.values().removeIf(q -> q.stale(nowMillis));
    }
  }

  private static Refused rateRefused(
      Scope scope, String tenant, KeyLimits limits, int n, long waitNanos) {
    long seconds = Refused.retryAfterSeconds(waitNanos);
    String message =
        "rate limit of "
            + whose(scope, tenant)
            + " exceeded: "
            + number(limits.requestsPerSecond())
            + " requests per second, burst "
            + limits.bucketSize()
            + share(n)
            + "; retry after "
            + seconds
            + " s";
    return new Refused(scope, Kind.RATE, 429, seconds, message);
  }

  private static Refused inFlightRefused(Scope scope, String tenant, KeyLimits limits, int n) {
    String message =
        "in-flight limit of "
            + whose(scope, tenant)
            + " reached: "
            + limits.maxInFlight()
            + " requests at once"
            + share(n)
            + "; retry when one of them has finished";
    return new Refused(scope, Kind.IN_FLIGHT, 429, 1, message);
  }

  private static Refused uploadRefused(
      Scope scope, String tenant, UploadQuota q, long bytes, int n, long nowMillis) {
    long limit = q.limit();
    if (bytes > limit) {
      return new Refused(
          scope,
          Kind.UPLOAD_BYTES,
          413,
          0,
          "this upload ("
              + bytes
              + " bytes) is larger than the daily upload quota of "
              + whose(scope, tenant)
              + " ("
              + limit
              + " bytes per UTC day"
              + share(n)
              + ")");
    }
    long seconds =
        Refused.retryAfterSeconds(
            TimeUnit.MILLISECONDS.toNanos(UploadQuota.millisToNextDay(nowMillis)));
    String size = bytes < 0 ? "" : ", this upload " + bytes + " bytes";
    return new Refused(
        scope,
        Kind.UPLOAD_BYTES,
        429,
        seconds,
        "daily upload quota of "
            + whose(scope, tenant)
            + " exceeded: "
            + q.used(nowMillis)
            + " of "
            + limit
            + " bytes used today"
            + size
            + share(n)
            + "; it starts again at 00:00 UTC");
  }

  private static String whose(Scope scope, String tenant) {
    return scope == Scope.KEY ? "this key" : "tenant '" + tenant + "'";
  }

  private static String share(int n) {
    return n > 1 ? " (each of the " + n + " gateways enforces 1/" + n + " of it)" : "";
  }

  private static String number(double d) {
    return d == Math.rint(d) && d < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }
}
