package io.modelfleet.ops.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard parses, has panels for Triton's and ModelFleet's metrics, and it and the
 * Prometheus rules refer only to metrics the nodes export (metric-names.txt).
 */
class DashboardTest {
  private static final Pattern METRIC =
      Pattern.compile("\\b(?:nv|modelfleet|jvm|process)_[a-z0-9_]+");
  private static final List<String> SERIES_SUFFIXES = List.of("_bucket", "_sum", "_count");

  static Set<String> known() throws IOException {
    try (InputStream in = DashboardTest.class.getResourceAsStream("/metric-names.txt")) {
      Set<String> names = new TreeSet<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          names.add(line.strip());
        }
      }
      return names;
    }
  }

  /** The metric names in {@code text} that the nodes do not export. */
  static Set<String> unknown(String text) throws IOException {
    Set<String> known = known();
    Set<String> unknown = new TreeSet<>();
    Matcher m = METRIC.matcher(text);
    while (m.find()) {
      String name = m.group();
      if (name.startsWith("jvm_") || name.startsWith("process_") || known.contains(name)) {
        continue;
      }
      boolean series =
          SERIES_SUFFIXES.stream()
              .anyMatch(
                  s ->
                      name.endsWith(s)
                          && known.contains(name.substring(0, name.length() - s.length())));
      if (!series) {
        unknown.add(name);
      }
    }
    return unknown;
  }

  private static List<String> expressions(JsonNode dashboard) {
    List<String> out = new ArrayList<>();
    for (JsonNode panel : dashboard.get("panels")) {
      for (JsonNode t : panel.path("targets")) {
        out.add(t.get("expr").asText());
      }
    }
    for (JsonNode v : dashboard.path("templating").path("list")) {
      if (v.path("query").has("query")) {
        out.add(v.get("query").get("query").asText());
      }
    }
    return out;
  }

  @Test
  void theDashboardParsesAndShowsTritonsAndModelFleetsMetrics() throws IOException {
    JsonNode d =
        new ObjectMapper()
            .readTree(DeployFiles.deploy().resolve("grafana/modelfleet.json").toFile());
    assertEquals("ModelFleet", d.get("title").asText());
    List<String> exprs = expressions(d);
    assertTrue(exprs.size() > 20, "panels: " + exprs.size());
    assertTrue(exprs.stream().anyMatch(e -> e.contains("nv_inference_request_success")));
    assertTrue(exprs.stream().anyMatch(e -> e.contains("nv_gpu_memory_used_bytes")));
    assertTrue(
        exprs.stream()
            .anyMatch(e -> e.contains("modelfleet_inference_request_duration_seconds_bucket")));
    assertTrue(exprs.stream().anyMatch(e -> e.contains("modelfleet_alerts_firing")));
    assertEquals(Set.of(), unknown(String.join("\n", exprs)));
    for (JsonNode panel : d.get("panels")) {
      assertFalse(panel.path("title").asText().isBlank(), panel.toString());
    }
  }

  @Test
  void thePrometheusRulesReferOnlyToExportedMetrics() throws IOException {
    Path rules = DeployFiles.deploy().resolve("prometheus/modelfleet-rules.yml");
    assertEquals(Set.of(), unknown(Files.readString(rules)));
    assertEquals(
        Set.of("modelfleet_no_such_thing"),
        unknown("rate(modelfleet_no_such_thing[5m]) + modelfleet_replicas"));
  }
}
