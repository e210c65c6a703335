package io.modelfleet.gateway.routing;

import io.modelfleet.protocol.model.AliasTarget;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;
import java.util.function.Predicate;

/**
 * An alias's traffic split ({@link AliasTarget#canary()}, {@link AliasTarget#shadow()}) as the
 * gateway applies it to one request: which version answers it, and whether a copy goes to the
 * shadow. Each choice is one draw of a number in 0..99 against the percentage, so {@code p} percent
 * of the alias's requests are chosen; the draw is injectable for tests. Pure apart from the draw;
 * nothing is allocated.
 */
public final class TrafficSplit {

  /** Draws from {@link ThreadLocalRandom}: no lock, no allocation. */
  public static final IntSupplier RANDOM = () -> ThreadLocalRandom.current().nextInt(100);

  private final IntSupplier draw;

  /** {@code draw} returns a number in 0..99 per call. */
  public TrafficSplit(IntSupplier draw) {
    this.draw = draw;
  }

  /** True when the alias splits its traffic at all (a canary or a shadow with a percentage). */
  public static boolean splits(AliasTarget target) {
    return target != null && (target.canaryPercent() > 0 || target.shadowPercent() > 0);
  }

  /**
   * The canary when this request goes to it, else null: the alias has a canary other than {@code
   * serving} (the version the alias resolves to now), the canary has a Ready replica, and the draw
   * falls within its percentage.
   */
  public String canary(AliasTarget target, String serving, Predicate<String> ready) {
    String canary = target.canary();
    int percent = target.canaryPercent();
    if (canary == null || percent <= 0 || canary.equals(serving)) {
      return null;
    }
    if (percent < 100 && draw.getAsInt() >= percent) {
      return null;
    }
    return ready.test(canary) ? canary : null;
  }

  /**
   * The shadow when a copy of this request, answered by {@code primary}, goes to it, else null:
   * only requests answered by the version the alias serves ({@code serving}) are copied, never a
   * canary's; the shadow is another version with a Ready replica, and the draw falls within its
   * percentage.
   */
  public String shadow(
      AliasTarget target, String serving, String primary, Predicate<String> ready) {
    String shadow = target.shadow();
    int percent = target.shadowPercent();
    if (shadow == null || percent <= 0 || serving == null || !serving.equals(primary)) {
      return null;
    }
    if (shadow.equals(serving)) {
      return null;
    }
    if (percent < 100 && draw.getAsInt() >= percent) {
      return null;
    }
    return ready.test(shadow) ? shadow : null;
  }

  /**
   * Whether a canary's answer is a failure of the canary that the alias's version should answer
   * instead: a server error (500 runtime failure, 502, 503 replica unavailable or stopping, 504 no
   * answer in time). Not a 4xx the caller caused, not 499 (the caller left), not 429.
   */
  public static boolean retryOnStable(int status) {
    return status >= 500 && status <= 599;
  }
}
