package io.modelfleet.persistence.registry;

import io.modelfleet.protocol.model.AliasTarget;
import io.modelfleet.protocol.model.ModelCommand.SetAlias;
import io.modelfleet.protocol.model.ModelReply.Rejected;
import java.util.Objects;

/**
 * The checks of an alias's traffic split ({@link SetAlias#canary}, {@link SetAlias#shadow}): each
 * names a registered version other than the alias's target, with a percentage from 0 to 100.
 */
final class AliasSplits {

  private AliasSplits() {}

  /** Why the split of {@code c} cannot be set on {@code s}'s model, or null when it can. */
  static Rejected problem(ModelState s, SetAlias c) {
    Rejected canary = problem(s, c, "canary", c.canary(), c.canaryPercent());
    return canary != null ? canary : problem(s, c, "shadow", c.shadow(), c.shadowPercent());
  }

  private static Rejected problem(
      ModelState s, SetAlias c, String field, String version, int percent) {
    if (version == null) {
      return null;
    }
    if (!s.versions().containsKey(version)) {
      return new Rejected(
          Rejected.Kind.NOT_FOUND,
          field
              + ".version: model '"
              + s.name()
              + "' has no version '"
              + version
              + "'; versions: "
              + s.versions().keySet());
    }
    if (version.equals(c.version())) {
      return new Rejected(
          Rejected.Kind.INVALID,
          field
              + ".version '"
              + version
              + "' is the version alias '"
              + c.alias()
              + "' points at; a "
              + field
              + " must be another version");
    }
    if (percent < 0 || percent > 100) {
      return new Rejected(
          Rejected.Kind.INVALID, field + ".percent must be from 0 to 100, got " + percent);
    }
    return null;
  }

  /** True when {@code c} would set the target and split {@code current} already has. */
  static boolean sameTarget(AliasTarget current, SetAlias c) {
    return current.version().equals(c.version())
        && Objects.equals(current.canary(), c.canary())
        && Objects.equals(current.shadow(), c.shadow())
        && current.canaryPercent() == (c.canary() == null ? 0 : c.canaryPercent())
        && current.shadowPercent() == (c.shadow() == null ? 0 : c.shadowPercent());
  }
}
