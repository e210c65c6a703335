package io.modelfleet.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelfleet.protocol.rules.DesignRules;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** This module's main sources keep the design rules (see {@link DesignRules}). */
class DesignRulesTest {

  @Test
  void mainSourcesKeepTheDesignRules() {
    List<String> found =
        DesignRules.violations(DesignRules.mainSources(), Set.of("gateway", "ops", "protocol"));
    assertEquals(List.of(), found, "design rules broken:\n" + String.join("\n", found));
  }
}
