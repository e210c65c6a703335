package io.modelfleet.persistence.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.modelfleet.persistence.registry.EventMeta;
import io.modelfleet.protocol.model.RequestMeta;
import io.modelfleet.protocol.security.ApiKey;
import io.modelfleet.protocol.security.Grant;
import io.modelfleet.protocol.security.KeyLimits;
import io.modelfleet.protocol.security.KeyReply;
import io.modelfleet.protocol.security.Role;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The key registry's events, snapshot and replies go through Jackson (FleetSerializable) into the
 * journal and across nodes, and must read back equal: roles as an enum set, grants as records of
 * one field, limits, and the metadata of who changed what.
 */
class KeySerializationTest {
  private static final ActorTestKit kit = ActorTestKit.create();
  private static final Serialization serialization =
      SerializationExtension.get(Adapter.toClassic(kit.system()));
  private static final EventMeta META = EventMeta.of(new RequestMeta("admin (k-0)", "r-1", "test"));

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static Object roundTrip(Object o) {
    Serializer serializer = serialization.findSerializerFor(o);
    assertEquals("JacksonJsonSerializer", serializer.getClass().getSimpleName());
    byte[] bytes = serializer.toBinary(o);
    return serialization
        .deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, o))
        .get();
  }

  @Test
  void everyEventTheSnapshotAndTheRepliesRoundTrip() {
    ApiKey key = KeyRegistryEntityTest.key("k-1", "ci");
    ApiKey expiring =
        new ApiKey(
            "k-2",
            "exp",
            "team-b",
            Set.of(Role.ADMIN, Role.VIEWER),
            List.of(),
            KeyLimits.NONE,
            key.secretHash(),
            key.prefix(),
            1L,
            2L,
            3L);
    List<Object> all =
        List.of(
            new KeyEvent.KeyCreated(key, META),
            new KeyEvent.KeyRevoked("k-1", 42L, META),
            new KeyEvent.KeyAccessChanged(
                "k-1", Set.of(Role.OPERATOR), List.of(Grant.ALL, new Grant("a.*")), META),
            new KeyEvent.KeyLimitsChanged("k-1", new KeyLimits(0.5, 1, 0, 10), META),
            new KeyState(List.of(key, expiring)),
            new KeyReply.Key(key),
            new KeyReply.Keys(List.of(expiring)),
            new KeyReply.Rejected(409, "taken"));
    for (Object o : all) {
      assertEquals(o, roundTrip(o));
    }
    assertEquals(Instant.class, META.at().getClass());
  }

  @Test
  void theJournalHoldsTheHashNeverASecret() {
    ApiKey key = KeyRegistryEntityTest.key("k-1", "ci");
    var event = new KeyEvent.KeyCreated(key, META);
    String json =
        new String(serialization.findSerializerFor(event).toBinary(event), StandardCharsets.UTF_8);
    assertFalse(json.contains("secret\""), json);
    assertFalse(json.contains("mfk_") && !json.contains(key.prefix()), json);
  }
}
