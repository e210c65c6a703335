package io.modelfleet.gateway.limits;

import static io.modelfleet.gateway.limits.Keys.inFlight;
import static io.modelfleet.gateway.limits.Keys.key;
import static io.modelfleet.gateway.limits.Keys.rate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.gateway.limits.Refused.Kind;
import io.modelfleet.gateway.limits.Refused.Scope;
import io.modelfleet.protocol.security.ApiKey;
import io.modelfleet.protocol.security.KeyLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LimiterTest {

  private static final long S = 1_000_000_000L;
  private static final long T0 = 5_000 * S;

  private static LimitSettings tenants(Map<String, KeyLimits> limits) {
    return new LimitSettings(KeyLimits.NONE, limits, Duration.ofMinutes(10), false);
  }

  private static int admitted(Limiter l, ApiKey k, int tries, long now) {
    int n = 0;
    for (int i = 0; i < tries; i++) {
      if (l.admit(k, now) instanceof Admitted) {
        n++;
      }
    }
    return n;
  }

  @Test
  void noLimitsAdmitWithTheSharedHandleAndKeepNoState() {
    Limiter l = new Limiter(LimitSettings.NONE, () -> 1);
    ApiKey k = key("k", "acme", KeyLimits.NONE);
    for (int i = 0; i < 100; i++) {
      assertSame(Admitted.FREE, l.admit(k, T0));
    }
    assertEquals(0, l.trackedStates());
  }

  @Test
  void aRateLimitedRequestIsAdmittedWithTheSharedHandle() {
    Limiter l = new Limiter(LimitSettings.NONE, () -> 1);
    assertSame(Admitted.FREE, l.admit(key("k", "acme", rate(10, 10)), T0));
  }

  @Test
  void theKeysRateRefusesNamingTheKeyWithRetryAfter() {
    Limiter l = new Limiter(LimitSettings.NONE, () -> 1);
    ApiKey k = key("k", "acme", rate(0.25, 2));
    assertEquals(2, admitted(l, k, 2, T0));
    Refused r = assertInstanceOf(Refused.class, l.admit(k, T0));
    assertEquals(Scope.KEY, r.scope());
    assertEquals(Kind.RATE, r.kind());
    assertEquals(429, r.status());
    assertEquals(4, r.retryAfterSeconds());
    assertEquals(
        "rate limit of this key exceeded: 0.25 requests per second, burst 2; retry after 4 s",
        r.message());
    assertInstanceOf(Admitted.class, l.admit(k, T0 + 4 * S));
  }

  @Test
  void theTenantsRateIsSharedByItsKeysAndNamed() {
    Limiter l = new Limiter(tenants(Map.of("acme", rate(1, 3))), () -> 1);
    ApiKey a = key("a", "acme", KeyLimits.NONE);
    ApiKey b = key("b", "acme", KeyLimits.NONE);
    ApiKey other = key("c", "globex", KeyLimits.NONE);
    assertEquals(2, admitted(l, a, 2, T0));
    assertEquals(1, admitted(l, b, 5, T0));
    Refused r = assertInstanceOf(Refused.class, l.admit(a, T0));
    assertEquals(Scope.TENANT, r.scope());
    assertTrue(r.message().startsWith("rate limit of tenant 'acme' exceeded"), r.message());
    assertSame(Admitted.FREE, l.admit(other, T0), "another tenant is untouched");
  }

  @Test
  void theKeyIsCheckedFirst() {
    Limiter l = new Limiter(tenants(Map.of("acme", rate(1, 1))), () -> 1);
    ApiKey k = key("k", "acme", rate(1, 1));
    assertInstanceOf(Admitted.class, l.admit(k, T0));
    Refused r = assertInstanceOf(Refused.class, l.admit(k, T0));
    assertEquals(Scope.KEY, r.scope(), "both are empty; the key's limit is named");
  }

  @Test
  void aTenantRefusalGivesTheKeysTokenBack() {
    Limiter l = new Limiter(tenants(Map.of("acme", rate(1, 1))), () -> 1);
    ApiKey k = key("k", "acme", rate(1, 2));
    assertInstanceOf(Admitted.class, l.admit(k, T0)); // the tenant's only token; k keeps 1
    for (int i = 0; i < 3; i++) {
      Refused r = assertInstanceOf(Refused.class, l.admit(k, T0));
      assertEquals(Scope.TENANT, r.scope(), "k's own token came back after each refusal");
    }
    assertInstanceOf(Admitted.class, l.admit(k, T0 + S));
  }

  @Test
  void keyInFlightRefusesNamingItAndReleaseMakesRoom() {
    Limiter l = new Limiter(LimitSettings.NONE, () -> 1);
    ApiKey k = key("k", "acme", inFlight(2));
    Admitted first = assertInstanceOf(Admitted.class, l.admit(k, T0));
    assertInstanceOf(Admitted.class, l.admit(k, T0));
    Refused r = assertInstanceOf(Refused.class, l.admit(k, T0));
    assertEquals(Kind.IN_FLIGHT, r.kind());
    assertEquals(Scope.KEY, r.scope());
    assertEquals(1, r.retryAfterSeconds());
    assertTrue(r.message().startsWith("in-flight limit of this key reached: 2 requests at once"));
    first.release();
    first.release();
    assertInstanceOf(Admitted.class, l.admit(k, T0));
    assertInstanceOf(Refused.class, l.admit(k, T0), "a double release made room for one only");
  }

  @Test
  void tenantInFlightRefusalGivesBackTheKeysPlaceAndToken() {
    Limiter l = new Limiter(tenants(Map.of("acme", inFlight(1))), () -> 1);
    ApiKey a = key("a", "acme", new KeyLimits(1, 1, 1, 0));
    ApiKey b = key("b", "acme", KeyLimits.NONE);
    Admitted held = assertInstanceOf(Admitted.class, l.admit(b, T0));
    Refused r = assertInstanceOf(Refused.class, l.admit(a, T0));
    assertEquals(Scope.TENANT, r.scope());
    assertEquals(Kind.IN_FLIGHT, r.kind());
    held.release();
    assertInstanceOf(Admitted.class, l.admit(a, T0), "a's token and place were given back");
  }

  @Test
  void eightThreadsAdmittingAndReleasingLeaveEveryCountAtZero() throws Exception {
    Limiter l = new Limiter(tenants(Map.of("acme", inFlight(6))), () -> 1);
    List<ApiKey> keys = List.of(key("a", "acme", inFlight(3)), key("b", "acme", inFlight(3)));
    AtomicInteger served = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        ApiKey k = keys.get(i % 2);
        done.add(
            pool.submit(
                () -> {
                  for (int j = 0; j < 10_000; j++) {
                    if (l.admit(k, T0) instanceof Admitted a) {
                      served.incrementAndGet();
                      a.release();
                      a.release();
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> d : done) {
        d.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertTrue(served.get() > 0);
    for (ApiKey k : keys) {
      assertEquals(3, admitted(l, k, 10, T0), "every place came back for " + k.id());
    }
  }

  @Test
  void eachGatewayEnforcesItsShareOfTheLimit() {
    ApiKey byRate = key("r", "acme", rate(30, 30));
    ApiKey byInFlight = key("f", "acme", inFlight(6));
    for (int n = 1; n <= 3; n++) {
      int gateways = n;
      Limiter l = new Limiter(LimitSettings.NONE, () -> gateways);
      List<Admitted> held = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        if (l.admit(byInFlight, T0) instanceof Admitted a) {
          held.add(a);
        }
      }
      assertEquals(6 / n, held.size(), "in-flight share with " + n + " gateways");
      held.forEach(Admitted::release);
      assertEquals(30 / n, admitted(l, byRate, 100, T0), "burst share with " + n + " gateways");
      // The refill rate is shared too: the next token after 1/(30/n) s, not before.
      long interval = S * n / 30;
      assertInstanceOf(Refused.class, l.admit(byRate, T0 + interval - 1_000));
      assertInstanceOf(Admitted.class, l.admit(byRate, T0 + interval + 1_000));
    }
  }

  @Test
  void sharesRoundUpAndNeverReachZero() {
    Limiter l = new Limiter(LimitSettings.NONE, () -> 3);
    ApiKey k = key("k", "acme", new KeyLimits(1, 1, 1, 0));
    Admitted a = assertInstanceOf(Admitted.class, l.admit(k, T0));
    Refused r = assertInstanceOf(Refused.class, l.admit(k, T0));
    assertTrue(r.message().contains("(each of the 3 gateways enforces 1/3 of it)"), r.message());
    a.release();
    assertEquals(1, ClusterShare.count(1, 3));
    assertEquals(2, ClusterShare.count(4, 3));
    assertEquals(0, ClusterShare.count(0, 3));
    assertEquals(4, ClusterShare.bytes(10, 3));
    assertEquals(5, ClusterShare.count(5, 0), "no gateway seen yet counts as one");
  }

  @Test
  void aGatewayJoiningChangesTheShareAtTheNextRequest() {
    AtomicInteger gateways = new AtomicInteger(1);
    Limiter l = new Limiter(LimitSettings.NONE, gateways::get);
    ApiKey k = key("k", "acme", rate(1, 4));
    assertEquals(4, admitted(l, k, 10, T0));
    gateways.set(2);
    assertEquals(2, admitted(l, k, 10, T0), "a fresh bucket of the new share");
  }

  @Test
  void changedLimitsGetAFreshBucketButKeepTheRequestsInFlight() {
    Limiter l = new Limiter(LimitSettings.NONE, () -> 1);
    ApiKey before = key("k", "acme", new KeyLimits(1, 2, 3, 0));
    assertEquals(2, admitted(l, before, 10, T0));
    ApiKey renamedOnly = before.withGrants(before.roles(), before.grants());
    assertInstanceOf(Refused.class, l.admit(renamedOnly, T0), "same limits, same bucket");
    ApiKey after = before.withLimits(new KeyLimits(1, 5, 3, 0));
    // A fresh bucket of 5, but the 2 requests admitted before are still in flight (never
    // released here): only 1 more fits the in-flight limit of 3.
    assertEquals(1, admitted(l, after, 10, T0));
    ApiKey unlimited = before.withLimits(KeyLimits.NONE);
    assertSame(Admitted.FREE, l.admit(unlimited, T0));
  }

  @Test
  void idleStateIsForgottenButNotWhileBusyOrRefilling() {
    Limiter l =
        new Limiter(
            new LimitSettings(KeyLimits.NONE, Map.of(), Duration.ofSeconds(60), false), () -> 1);
    for (int i = 0; i < 10_000; i++) {
      l.admit(key("k" + i, "acme", rate(100, 1)), T0);
    }
    Admitted busy = assertInstanceOf(Admitted.class, l.admit(key("busy", "acme", inFlight(1)), T0));
    ApiKey slow = key("slow", "acme", rate(1.0 / 3600, 1));
    l.admit(slow, T0);
    assertEquals(10_002, l.trackedStates());
    l.sweep(T0 + 59 * S);
    assertEquals(10_002, l.trackedStates(), "not idle long enough");
    l.sweep(T0 + 61 * S);
    assertEquals(2, l.trackedStates(), "the busy key and the slowly refilling one stay");
    assertInstanceOf(Refused.class, l.admit(slow, T0 + 61 * S), "never lent a token");
    busy.release();
    l.sweep(T0 + 3601 * S);
    assertEquals(0, l.trackedStates());
  }

  @Test
  void requestsSweepAsTheyCome() {
    Limiter l =
        new Limiter(
            new LimitSettings(KeyLimits.NONE, Map.of(), Duration.ofSeconds(60), false), () -> 1);
    for (int i = 0; i < 1_000; i++) {
      l.admit(key("k" + i, "acme", rate(100, 1)), T0);
    }
    ApiKey active = key("active", "acme", rate(100, 1));
    for (long t = T0; t <= T0 + 200 * S; t += S) {
      l.admit(active, t);
    }
    assertEquals(1, l.trackedStates(), "only the key still in use is held");
  }
}
