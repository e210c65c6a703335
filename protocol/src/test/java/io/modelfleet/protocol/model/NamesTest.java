package io.modelfleet.protocol.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class NamesTest {

  @Test
  void numericVersionsMustBeCanonicalOthersAreFree() {
    assertNull(Names.versionProblem("version", "1"));
    assertNull(Names.versionProblem("version", "0"));
    assertNull(Names.versionProblem("version", "10"));
    assertNull(Names.versionProblem("version", "v01"));
    assertNull(Names.versionProblem("version", "2024-01-05"));
    String problem = Names.versionProblem("version", "001");
    assertTrue(problem.contains("'001'") && problem.contains("write it as '1'"), problem);
    assertTrue(Names.versionProblem("version", "00").contains("write it as '0'"));
    assertTrue(Names.versionProblem("version", "../1").contains("must match"));
  }

  @Test
  void versionOrderIsNumericAndNeverCallsTwoNamesEqual() {
    var order = ModelView.VersionOrder.INSTANCE;
    assertTrue(order.compare("9", "10") < 0);
    assertTrue(order.compare("10", "v1") < 0, "numbers before text");
    assertNotEquals(0, order.compare("1", "01"));
    assertEquals(0, order.compare("01", "01"));
    TreeMap<String, String> map = new TreeMap<>(order);
    map.put("1", "one");
    map.put("01", "zero-one");
    assertEquals(List.of("1", "01"), List.copyOf(map.keySet()));
    assertEquals("one", map.get("1"));
  }
}
