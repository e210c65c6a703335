package io.modelfleet.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one run measures, from {@code -Dbench.*} system properties (bench/run.sh passes its
 * arguments through as JVM options). Every property has a default; {@code bench.quick=true} is a
 * smoke run with short windows and only the conditions the targets need.
 *
 * @param warmUp load before each timed window, not recorded ({@code bench.warmup.s})
 * @param window the timed window of each measurement ({@code bench.window.s})
 * @param models tiny, minilm, mlp ({@code bench.models})
 * @param protocols json, binary ({@code bench.protocols})
 * @param batching off, on ({@code bench.batching})
 * @param concurrency client threads per model ({@code bench.concurrency} applies one list to all)
 * @param nodeJvmOptions JVM options of the served node ({@code bench.node.jvm}, space-separated)
 * @param root the repository root, where cluster-node/target is ({@code bench.root})
 * @param resultFile where the markdown report is written ({@code bench.out})
 * @param readyTimeout how long a node or a deployment may take to become ready ({@code
 *     bench.ready.s})
 * @param served whether to start a node and measure it, not only raw ORT ({@code bench.served})
 * @param quietCores other processes' CPU, in cores, under which the machine counts as quiet ({@code
 *     bench.quiet.cores}); see {@link QuietGate}
 * @param quietWait how long to wait for quiet before each measurement ({@code bench.quiet.wait.s})
 * @param retries how often a window shared with other processes is measured again ({@code
 *     bench.retries})
 */
public record BenchConfig(
    boolean quick,
    Duration warmUp,
    Duration window,
    List<String> models,
    List<String> protocols,
    List<String> batching,
    Map<String, List<Integer>> concurrency,
    List<String> nodeJvmOptions,
    Path root,
    Path resultFile,
    Duration readyTimeout,
    boolean served,
    double quietCores,
    Duration quietWait,
    int retries) {

  /** Client counts of the full run. */
  private static final List<Integer> FULL_CONCURRENCY = List.of(1, 16, 64);

  public static BenchConfig fromSystemProperties() {
    boolean quick = Boolean.getBoolean("bench.quick");
    Duration warmUp = seconds("bench.warmup.s", quick ? 1 : 2);
    Duration window = seconds("bench.window.s", quick ? 2 : 5);
    String concurrency = System.getProperty("bench.concurrency");
    Map<String, List<Integer>> perModel;
    if (concurrency != null) {
      List<Integer> all =
          Arrays.stream(concurrency.split(",")).map(String::trim).map(Integer::parseInt).toList();
      perModel = Map.of("tiny", all, "minilm", all, "mlp", all);
    } else if (quick) {
      // Just what the three targets read: tiny at 1, MiniLM at 16, MLP at 64 (and 1 for its raw
      // batch-1 baseline).
      perModel = Map.of("tiny", List.of(1, 16), "minilm", List.of(1, 16), "mlp", List.of(1, 64));
    } else {
      perModel =
          Map.of("tiny", FULL_CONCURRENCY, "minilm", FULL_CONCURRENCY, "mlp", FULL_CONCURRENCY);
    }
    Path root = Path.of(System.getProperty("bench.root", ".")).toAbsolutePath().normalize();
    return new BenchConfig(
        quick,
        warmUp,
        window,
        list("bench.models", "tiny,minilm,mlp"),
        list("bench.protocols", "json,binary"),
        list("bench.batching", "off,on"),
        perModel,
        Arrays.stream(System.getProperty("bench.node.jvm", "-Xmx2g").trim().split("\\s+"))
            .filter(s -> !s.isEmpty())
            .toList(),
        root,
        root.resolve(System.getProperty("bench.out", "bench/target/results/latest.md")),
        seconds("bench.ready.s", quick ? 60 : 120),
        Boolean.parseBoolean(System.getProperty("bench.served", "true")),
        Double.parseDouble(System.getProperty("bench.quiet.cores", "0.2")),
        seconds("bench.quiet.wait.s", quick ? 5 : 20),
        Integer.parseInt(System.getProperty("bench.retries", quick ? "0" : "1")));
  }

  public List<Integer> concurrency(String model) {
    return concurrency.getOrDefault(model, FULL_CONCURRENCY);
  }

  /**
   * Every client count any model uses, ascending: the load generator's ceiling is measured at each.
   */
  public List<Integer> allConcurrencies() {
    return concurrency.values().stream().flatMap(List::stream).distinct().sorted().toList();
  }

  private static Duration seconds(String property, double defaultSeconds) {
    double s = Double.parseDouble(System.getProperty(property, Double.toString(defaultSeconds)));
    return Duration.ofMillis(Math.round(s * 1000));
  }

  private static List<String> list(String property, String defaults) {
    return Arrays.stream(System.getProperty(property, defaults).split(","))
        .map(s -> s.trim().toLowerCase(Locale.ROOT))
        .filter(s -> !s.isEmpty())
        .toList();
  }
}
