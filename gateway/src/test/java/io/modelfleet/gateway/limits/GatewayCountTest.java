package io.modelfleet.gateway.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class GatewayCountTest {

  @Test
  void startsAtOneAndNeverGoesBelow() {
    GatewayCount c = new GatewayCount();
    assertEquals(1, c.getAsInt());
    c.set(3);
    assertEquals(3, c.getAsInt());
    c.set(0);
    assertEquals(1, c.getAsInt());
    c.update(List.of());
    assertEquals(1, c.getAsInt(), "no gateway Up yet: this one enforces the whole limit");
  }
}
