package io.modelfleet.protocol.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which models a grant covers, and which patterns are refused. */
class GrantTest {

  @Test
  void starCoversEveryModel() {
    assertTrue(Grant.ALL.covers("fraud"));
    assertTrue(Grant.ALL.covers("team-a.scorer"));
  }

  @Test
  void anExactNameCoversOnlyThatModel() {
    Grant g = new Grant("fraud");
    assertTrue(g.covers("fraud"));
    assertFalse(g.covers("fraud2"));
    assertFalse(g.covers("frau"));
    assertFalse(g.covers("Fraud"), "names are case-sensitive");
  }

  @Test
  void aTrailingStarIsAPrefix() {
    Grant dot = new Grant("team-a.*");
    assertTrue(dot.covers("team-a.scorer"));
    assertTrue(dot.covers("team-a."));
    assertFalse(dot.covers("team-ab.scorer"));
    assertFalse(dot.covers("team-a"));
    Grant dash = new Grant("team-a-*");
    assertTrue(dash.covers("team-a-x"));
    assertFalse(dash.covers("team-b-x"));
  }

  @Test
  void invalidPatternsAreRefusedWithASentence() {
    for (String bad :
        new String[] {"", "*a", "a*b", "**", "team a*", "-lead*", "a/b", "a**", "x".repeat(129)}) {
      assertNotNull(Grant.problem(bad), bad);
      assertThrows(IllegalArgumentException.class, () -> new Grant(bad), bad);
    }
    assertNotNull(Grant.problem(null));
    assertTrue(Grant.problem("a/b").contains("a/b"), Grant.problem("a/b"));
  }

  @Test
  void validPatternsHaveNoProblem() {
    for (String ok : new String[] {"*", "fraud", "team-a.*", "a*", "x".repeat(128)}) {
      assertNull(Grant.problem(ok), ok);
    }
  }

  @Test
  void aKeyCoversAModelWhenAnyOfItsGrantsDoes() {
    ApiKey key =
        new ApiKey(
            "k1",
            "ci",
            "default",
            Set.of(Role.INFERRER),
            List.of(new Grant("fraud"), new Grant("team-a.*")),
            KeyLimits.NONE,
            KeySecrets.hash(KeySecrets.generate()),
            "mfk_abcdef",
            1,
            0,
            0);
    assertTrue(key.covers("fraud"));
    assertTrue(key.covers("team-a.x"));
    assertFalse(key.covers("other"));
    assertEquals("ci (k1)", key.principal());
  }
}
