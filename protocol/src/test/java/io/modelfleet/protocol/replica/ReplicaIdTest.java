package io.modelfleet.protocol.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ReplicaIdTest {

  @Test
  void theFirstIncarnationIsTheSlotItselfAndLaterOnesCarryTheirGeneration() {
    ReplicaId slot = new ReplicaId("iris", "1", 2);
    assertEquals("iris/1/2", slot.incarnation(0).entityId());
    assertEquals("iris/1/2/3", slot.incarnation(3).entityId());
    assertEquals("iris/1/2/1", slot.incarnation(0).next().entityId());
  }

  @Test
  void parsingEitherFormGivesTheSlotAndTheGeneration() {
    assertEquals(new ReplicaId("iris", "1.0", 2), ReplicaId.parse("iris/1.0/2/7"));
    assertEquals(new ReplicaId("iris", "1.0", 2), ReplicaId.parse("iris/1.0/2"));
    assertEquals(7, ReplicaId.Incarnation.parse("iris/1.0/2/7").generation());
    assertEquals(0, ReplicaId.Incarnation.parse("iris/1.0/2").generation());
    assertEquals("iris/1.0/2/7", ReplicaId.Incarnation.parse("iris/1.0/2/7").entityId());
  }

  @Test
  void malformedIdsAreRejectedWithTheirText() {
    var e = assertThrows(IllegalArgumentException.class, () -> ReplicaId.parse("iris/1"));
    assertEquals("replica id 'iris/1' is not model/version/index[/generation]", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ReplicaId.parse("iris/1/x"));
    assertThrows(IllegalArgumentException.class, () -> ReplicaId.parse("iris/1/0/-1"));
    assertThrows(IllegalArgumentException.class, () -> ReplicaId.parse("iris/1/0/1/2"));
  }
}
