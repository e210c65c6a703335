package io.modelfleet.gateway.routing;

import io.modelfleet.protocol.model.AliasTarget;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Which version an alias serves now, like ModelMesh's vmodels: its target once the target has a
 * Ready replica (is warm), until then the version that served it before (if that is still Ready);
 * when neither is, nothing, and requests answer 503 naming both. Pure: readiness is a predicate.
 */
public final class AliasResolution {

  /** The alias the unversioned route serves when a model has it. */
  public static final String STABLE = "stable";

  private AliasResolution() {}

  /**
   * What a request for {@code asked} (a version or an alias; null: the unversioned route) goes to.
   * {@code version} is the version to route to (null: the unversioned route's usual choice, the
   * highest Ready version); {@code unavailable}, when not null, is why an alias has no version to
   * serve, and {@code version} is then its target.
   */
  public record Resolved(String version, String unavailable) {}

  public static Resolved resolve(
      String model, String asked, Map<String, AliasTarget> aliases, Predicate<String> ready) {
    String name = asked == null ? STABLE : asked;
    AliasTarget target = aliases.isEmpty() ? null : aliases.get(name);
    if (target == null) {
      return new Resolved(asked, null);
    }
    String serving = serving(target, ready);
    return serving != null
        ? new Resolved(serving, null)
        : new Resolved(target.version(), notServing(model, name, target));
  }

  /** The version the alias is served by now, or null when neither target nor previous is Ready. */
  public static String serving(AliasTarget target, Predicate<String> ready) {
    if (ready.test(target.version())) {
      return target.version();
    }
    if (target.previous() != null && ready.test(target.previous())) {
      return target.previous();
    }
    return null;
  }

  /** True while the alias is not served by its target yet. */
  public static boolean pending(AliasTarget target, String serving) {
    return !target.version().equals(serving);
  }

  static String notServing(String model, String alias, AliasTarget target) {
    String s =
        "model '"
            + model
            + "' alias '"
            + alias
            + "' points at version '"
            + target.version()
            + "', which has no Ready replica";
    if (target.previous() == null) {
      return s + ", and no version served it before";
    }
    return s + ", nor has version '" + target.previous() + "' that served it before";
  }
}
