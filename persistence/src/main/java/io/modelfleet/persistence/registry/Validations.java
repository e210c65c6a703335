package io.modelfleet.persistence.registry;

import io.modelfleet.persistence.registry.ModelEvent.ValidationSet;
import io.modelfleet.protocol.model.ModelCommand.RecordValidationFailure;
import io.modelfleet.protocol.model.ModelCommand.SetValidation;
import io.modelfleet.protocol.model.ModelReply;
import io.modelfleet.protocol.model.RequestMeta;
import io.modelfleet.protocol.model.VersionInfo;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The registry's command for a version's stability checks. The samples were checked and bounded by
 * the gateway; here only the version must exist, and the same samples again write nothing.
 */
final class Validations {

  private Validations() {}

  static ReplyEffect<ModelEvent, ModelState> set(
      ModelEntity entity, ModelState s, SetValidation c) {
    var effect = entity.effects();
    VersionInfo v = c.version() == null ? null : s.versions().get(c.version());
    if (v == null) {
      return effect.reply(c.replyTo(), entity.notFound(s, c.version()));
    }
    if (v.validation().equals(c.samples())) {
      return effect.reply(c.replyTo(), new ModelReply.Current(s.view()));
    }
    return effect
        .persist(new ValidationSet(c.version(), c.samples(), EventMeta.of(c.meta())))
        .thenReply(c.replyTo(), st -> new ModelReply.Current(st.view()));
  }

  /** Principal of the history entries a failed validation writes. */
  static final String PRINCIPAL = "modelfleet-validation";

  static ReplyEffect<ModelEvent, ModelState> failed(
      ModelEntity entity, ModelState s, RecordValidationFailure c) {
    var effect = entity.effects();
    if (c.version() == null || !s.versions().containsKey(c.version())) {
      return effect.reply(c.replyTo(), entity.notFound(s, c.version()));
    }
    var meta = EventMeta.of(new RequestMeta(PRINCIPAL, null, c.reason()));
    return effect
        .persist(new ModelEvent.ValidationFailed(c.version(), c.replica(), meta))
        .thenReply(c.replyTo(), st -> new ModelReply.Current(st.view()));
  }
}
