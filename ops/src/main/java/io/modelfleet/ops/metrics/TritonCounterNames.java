package io.modelfleet.ops.metrics;

import java.util.Set;

/**
 * Gives Triton's counters back their own names in the text the Prometheus client wrote.
 *
 * <p>The client (1.x) writes every counter with a {@code _total} suffix in the text format, and has
 * no setting to leave it off: a counter registered as {@code nv_inference_request_success} comes
 * out as {@code nv_inference_request_success_total}, in its HELP, TYPE and sample lines alike.
 * Triton names its counters without the suffix, and its dashboards query those names. So, for the
 * counter families listed and only those, this removes the suffix the client added, on exactly the
 * three kinds of line that carry a family's name; everything else (types, help, labels, values) is
 * the client's output unchanged.
 */
final class TritonCounterNames {
  private static final String TOTAL = "_total";

  private final Set<String> counters;

  TritonCounterNames(Set<String> counters) {
    this.counters = Set.copyOf(counters);
  }

  /** {@code text} (the text format) with the listed counters' {@code _total} suffixes removed. */
  String restore(String text) {
    StringBuilder out = new StringBuilder(text.length());
    int start = 0;
    while (start < text.length()) {
      int end = text.indexOf('\n', start);
      int next = end < 0 ? text.length() : end + 1;
      appendLine(out, text, start, end < 0 ? text.length() : end);
      if (end >= 0) {
        out.append('\n');
      }
      start = next;
    }
    return out.toString();
  }

  private void appendLine(StringBuilder out, String text, int start, int end) {
    int nameStart = start;
    if (text.startsWith("# HELP ", start) || text.startsWith("# TYPE ", start)) {
      nameStart = start + 7;
    } else if (text.startsWith("#", start)) {
      out.append(text, start, end);
      return;
    }
    int nameEnd = nameStart;
    while (nameEnd < end && text.charAt(nameEnd) != ' ' && text.charAt(nameEnd) != '{') {
      nameEnd++;
    }
    String name = text.substring(nameStart, nameEnd);
    if (name.endsWith(TOTAL)
        && counters.contains(name.substring(0, name.length() - TOTAL.length()))) {
      out.append(text, start, nameEnd - TOTAL.length()).append(text, nameEnd, end);
    } else {
      out.append(text, start, end);
    }
  }
}
