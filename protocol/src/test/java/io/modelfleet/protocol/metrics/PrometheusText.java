package io.modelfleet.protocol.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A strict parser of the Prometheus text exposition format (version 0.0.4), for tests that read a
 * node's {@code /metrics}: metric and label names by the format's grammar, label values with their
 * escapes, sample values (NaN and ±Inf included) and optional timestamps, at most one HELP and one
 * TYPE per family and both before its samples, a family's samples together, each sample's name its
 * family's (with {@code _bucket}, {@code _sum} and {@code _count} for histograms and {@code _sum}
 * and {@code _count} for summaries), {@code le} on every bucket, and no series twice. Anything else
 * fails the parse with the line number, so a test that parses passes only on well-formed text.
 */
public final class PrometheusText {

  /** One sample line. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  /** One family: its TYPE ("untyped" when none was given), HELP (or null) and samples. */
  public record Family(String name, String type, String help, List<Sample> samples) {}

  private static final Set<String> TYPES =
      Set.of("counter", "gauge", "histogram", "summary", "untyped");

  private final Map<String, Family> families;

  private PrometheusText(Map<String, Family> families) {
    this.families = families;
  }

  public Map<String, Family> families() {
    return families;
  }

  /** The family {@code name}; fails when there is none. */
  public Family family(String name) {
    Family f = families.get(name);
    if (f == null) {
      throw new AssertionError("no family " + name + " among " + families.keySet());
    }
    return f;
  }

  /**
   * The value of the sample {@code name} whose labels include {@code labels} (name, value, ...);
   * fails when none or several match.
   */
  public double value(String name, String... labels) {
    List<Sample> found = samples(name, labels);
    if (found.size() != 1) {
      throw new AssertionError(
          found.size() + " samples " + name + " with " + List.of(labels) + ": " + found);
    }
    return found.get(0).value();
  }

  /** Every sample named {@code name} whose labels include {@code labels}. */
  public List<Sample> samples(String name, String... labels) {
    List<Sample> out = new ArrayList<>();
    for (Family f : families.values()) {
      for (Sample s : f.samples()) {
        if (s.name().equals(name) && matches(s.labels(), labels)) {
          out.add(s);
        }
      }
    }
    return out;
  }

  private static boolean matches(Map<String, String> have, String... want) {
    for (int i = 0; i + 1 < want.length; i += 2) {
      if (!want[i + 1].equals(have.get(want[i]))) {
        return false;
      }
    }
    return true;
  }

  public static PrometheusText parse(String text) {
    Map<String, String> types = new LinkedHashMap<>();
    Map<String, String> helps = new LinkedHashMap<>();
    Map<String, List<Sample>> samples = new LinkedHashMap<>();
    Set<String> closed = new HashSet<>();
    Set<String> series = new HashSet<>();
    String current = null;
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int no = i + 1;
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("#")) {
        String[] parts = line.split(" ", 4);
        if (parts.length >= 3 && (parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
          String name = parts[2];
          requireName(name, no);
          if (samples.containsKey(name) || closed.contains(name)) {
            fail(no, parts[1] + " of " + name + " after its samples");
          }
          Map<String, String> into = parts[1].equals("HELP") ? helps : types;
          if (into.containsKey(name)) {
            fail(no, "second " + parts[1] + " of " + name);
          }
          String rest = parts.length == 4 ? parts[3] : "";
          if (parts[1].equals("TYPE") && !TYPES.contains(rest)) {
            fail(no, "unknown type '" + rest + "'");
          }
          into.put(name, rest);
        }
        continue;
      }
      Sample s = sample(line, no);
      String family = familyOf(s.name(), types);
      if (!family.equals(current)) {
        if (current != null) {
          closed.add(current);
        }
        if (closed.contains(family)) {
          fail(no, "samples of " + family + " are not together");
        }
        current = family;
      }
      if (types.getOrDefault(family, "untyped").equals("histogram")
          && s.name().endsWith("_bucket")
          && !s.labels().containsKey("le")) {
        fail(no, "bucket without le");
      }
      if (!series.add(s.name() + new TreeMap<>(s.labels()))) {
        fail(no, "series twice: " + line);
      }
      samples.computeIfAbsent(family, k -> new ArrayList<>()).add(s);
    }
    Map<String, Family> out = new LinkedHashMap<>();
    Set<String> names = new HashSet<>(types.keySet());
    names.addAll(samples.keySet());
    for (String name : names) {
      out.put(
          name,
          new Family(
              name,
              types.getOrDefault(name, "untyped"),
              helps.get(name),
              List.copyOf(samples.getOrDefault(name, List.of()))));
    }
    return new PrometheusText(out);
  }

  /** The family a sample belongs to, by the TYPE lines seen. */
  private static String familyOf(String sample, Map<String, String> types) {
    if (types.containsKey(sample)) {
      return sample;
    }
    for (String suffix : List.of("_bucket", "_sum", "_count")) {
      if (sample.endsWith(suffix)) {
        String base = sample.substring(0, sample.length() - suffix.length());
        String type = types.get(base);
        if ("histogram".equals(type) || ("summary".equals(type) && !suffix.equals("_bucket"))) {
          return base;
        }
      }
    }
    return sample;
  }

  private static Sample sample(String line, int no) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = line.substring(0, i);
    requireName(name, no);
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        if (eq < 0) {
          fail(no, "label without '='");
        }
        String label = line.substring(i, eq);
        if (!label.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
          fail(no, "bad label name '" + label + "'");
        }
        if (eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
          fail(no, "label value not quoted");
        }
        StringBuilder value = new StringBuilder();
        int j = eq + 2;
        for (; j < line.length() && line.charAt(j) != '"'; j++) {
          char c = line.charAt(j);
          if (c == '\\') {
            char e = ++j < line.length() ? line.charAt(j) : ' ';
            switch (e) {
              case '\\' -> value.append('\\');
              case '"' -> value.append('"');
              case 'n' -> value.append('\n');
              default -> fail(no, "bad escape \\" + e);
            }
          } else {
            value.append(c);
          }
        }
        if (j >= line.length()) {
          fail(no, "unterminated label value");
        }
        if (labels.put(label, value.toString()) != null) {
          fail(no, "label " + label + " twice");
        }
        i = j + 1;
        if (i < line.length() && line.charAt(i) == ',') {
          i++;
        } else if (i >= line.length() || line.charAt(i) != '}') {
          fail(no, "expected ',' or '}'");
        }
      }
      i++;
    }
    if (i >= line.length() || line.charAt(i) != ' ') {
      fail(no, "no value");
    }
    String[] rest = line.substring(i + 1).split(" ");
    if (rest.length < 1 || rest.length > 2) {
      fail(no, "expected a value and an optional timestamp");
    }
    double value = number(rest[0], no);
    if (rest.length == 2) {
      try {
        Long.parseLong(rest[1]);
      } catch (NumberFormatException e) {
        fail(no, "bad timestamp " + rest[1]);
      }
    }
    return new Sample(name, Map.copyOf(labels), value);
  }

  private static double number(String s, int no) {
    switch (s) {
      case "NaN":
        return Double.NaN;
      case "+Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      default:
        try {
          if (!s.matches("[-+]?[0-9.]+([eE][-+]?[0-9]+)?")) {
            throw new NumberFormatException(s);
          }
          return Double.parseDouble(s);
        } catch (NumberFormatException e) {
          fail(no, "bad value " + s);
          return 0;
        }
    }
  }

  private static void requireName(String name, int no) {
    if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
      fail(no, "bad metric name '" + name + "'");
    }
  }

  private static void fail(int no, String why) {
    throw new IllegalArgumentException("line " + no + ": " + why);
  }
}
