package io.modelfleet.gateway.shadow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelfleet.gateway.Json;
import io.modelfleet.ops.load.ShadowCounters;
import io.modelfleet.protocol.load.DiffBuckets;
import io.modelfleet.protocol.load.LoadProbe.NodeLoad;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShadowSummaryTest {

  @Test
  void nodesAreSummedPerPairAndUnansweredOnesCounted() throws Exception {
    ShadowCounters a = new ShadowCounters();
    ShadowCounters b = new ShadowCounters();
    for (int i = 0; i < 99; i++) {
      a.mirrored("m", "1", "2");
      a.compared("m", "1", "2", Map.of("y", 0.001), Map.of("y", 0.001));
    }
    b.mirrored("m", "1", "2");
    b.compared("m", "1", "2", Map.of("y", 0.5), Map.of("y", Double.NaN));
    b.mirrored("m", "1", "3");
    b.failed("m", "1", "3");
    b.mirrored("other", "1", "2");
    ShadowSummary s =
        ShadowSummary.of(
            "m",
            Arrays.asList(
                new NodeLoad("a", List.of(), a.snapshot("m")),
                null,
                new NodeLoad("b", List.of(), b.snapshot(null))));
    assertEquals(2, s.pairs().size());
    var two = s.pairs().get(0);
    assertEquals("2", two.candidate());
    assertEquals(100, two.mirrored());
    assertEquals(100, two.compared());
    assertEquals(
        DiffBuckets.upper(DiffBuckets.index(0.5)), DiffBuckets.max(two.absDiff().get("y")));
    assertEquals(
        DiffBuckets.upper(DiffBuckets.index(0.001)),
        DiffBuckets.quantile(two.absDiff().get("y"), 0.99));
    assertEquals(1, s.pairs().get(1).failed());

    var json = Json.MAPPER.readTree(Json.bytes(s::write).utf8String());
    assertEquals(3, json.get("nodes").asInt());
    assertEquals(1, json.get("unanswered").asInt());
    var y = json.get("shadows").get(0).get("outputs").get("y");
    assertEquals("inf", y.get("max_rel").asText());
    assertEquals(DiffBuckets.upper(DiffBuckets.index(0.001)), y.get("p99_rel").asDouble());
  }
}
