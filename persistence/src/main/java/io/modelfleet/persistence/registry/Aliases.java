package io.modelfleet.persistence.registry;

import io.modelfleet.persistence.registry.ModelEvent.AliasRemoved;
import io.modelfleet.persistence.registry.ModelEvent.AliasSet;
import io.modelfleet.protocol.model.AliasTarget;
import io.modelfleet.protocol.model.ModelCommand.RemoveAlias;
import io.modelfleet.protocol.model.ModelCommand.SetAlias;
import io.modelfleet.protocol.model.ModelReply;
import io.modelfleet.protocol.model.ModelReply.Rejected;
import io.modelfleet.protocol.model.Names;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The registry's alias commands. An alias and a version never share a name (either way round: an
 * alias named like a registered version is refused, and so is a version registered under an alias's
 * name), so that {@code /versions/{v}} always means one thing.
 */
final class Aliases {

  private Aliases() {}

  static ReplyEffect<ModelEvent, ModelState> set(ModelEntity entity, ModelState s, SetAlias c) {
    var effect = entity.effects();
    String problem = Names.versionProblem("alias", c.alias());
    if (problem != null) {
      return effect.reply(c.replyTo(), new Rejected(Rejected.Kind.INVALID, problem));
    }
    if (!s.view().exists()) {
      return effect.reply(c.replyTo(), entity.notFound(s, null));
    }
    if (s.versions().containsKey(c.alias())) {
      return effect.reply(
          c.replyTo(),
          new Rejected(
              Rejected.Kind.CONFLICT,
              "alias '"
                  + c.alias()
                  + "' clashes with version '"
                  + c.alias()
                  + "' of model '"
                  + s.name()
                  + "'; an alias must not be named like a version"));
    }
    if (c.version() == null || !s.versions().containsKey(c.version())) {
      return effect.reply(c.replyTo(), entity.notFound(s, c.version()));
    }
    Rejected split = AliasSplits.problem(s, c);
    if (split != null) {
      return effect.reply(c.replyTo(), split);
    }
    AliasTarget current = s.aliases().get(c.alias());
    if (current != null && AliasSplits.sameTarget(current, c)) {
      return effect.reply(c.replyTo(), new ModelReply.Current(s.view()));
    }
    String previous = c.version().equals(c.previous()) ? null : c.previous();
    if (current != null && current.version().equals(c.version())) {
      // Only the split changes: the alias keeps what it had before its target was warm.
      previous = current.previous();
    }
    return effect
        .persist(
            new AliasSet(
                c.alias(),
                c.version(),
                previous,
                c.canary(),
                c.canary() == null ? 0 : c.canaryPercent(),
                c.shadow(),
                c.shadow() == null ? 0 : c.shadowPercent(),
                EventMeta.of(c.meta())))
        .thenReply(c.replyTo(), st -> new ModelReply.Current(st.view()));
  }

  static ReplyEffect<ModelEvent, ModelState> remove(
      ModelEntity entity, ModelState s, RemoveAlias c) {
    var effect = entity.effects();
    if (!s.view().exists()) {
      return effect.reply(c.replyTo(), entity.notFound(s, null));
    }
    if (!s.aliases().containsKey(c.alias())) {
      return effect.reply(
          c.replyTo(),
          new Rejected(
              Rejected.Kind.NOT_FOUND,
              "model '"
                  + s.name()
                  + "' has no alias '"
                  + c.alias()
                  + "'; aliases: "
                  + s.aliases().keySet()));
    }
    return effect
        .persist(new AliasRemoved(c.alias(), EventMeta.of(c.meta())))
        .thenReply(c.replyTo(), st -> new ModelReply.Current(st.view()));
  }

  static Rejected versionClash(String model, String version) {
    return new Rejected(
        Rejected.Kind.CONFLICT,
        "version '"
            + version
            + "' of model '"
            + model
            + "' clashes with the alias '"
            + version
            + "'; remove the alias or upload under another version");
  }
}
