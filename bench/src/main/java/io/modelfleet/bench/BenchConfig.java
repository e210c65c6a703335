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
 * short run with short windows and only the rows issue 12's targets read (simple at 1 and 16
 * clients, MiniLM at 16, binary and gRPC, batching off, the health check at 64, the hop).
 *
 * @param warmUp load before each timed window, not recorded ({@code bench.warmup.s})
 * @param window the timed window of each measurement ({@code bench.window.s})
 * @param models simple, tiny, minilm, mlp ({@code bench.models})
 * @param protocols json, binary, grpc ({@code bench.protocols})
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
 * @param rawIntraOp the raw sessions' intra-op thread counts, 0 for ORT's default ({@code
 *     bench.raw.intra-op}); each is a raw row, and ratios divide by the best
 * @param ceilingClients client counts of the health-check and trivial-server rows ({@code
 *     bench.ceiling.concurrency})
 * @param hop whether to measure the cross-node hop after the rest ({@code bench.hop})
 * @param hopRounds rounds of the hop measurement ({@code bench.rounds})
 * @param longWindow the timed window of MiniLM and MLP rows ({@code bench.window.long.s}): at 16
 *     clients a MiniLM request takes a large part of a second, and a short window would count too
 *     few completions for a throughput ratio read to a few per cent
 * @param sharedGrpcChannel whether all gRPC clients share one channel (one HTTP/2 connection)
 *     rather than one each ({@code bench.grpc.shared-channel})
 * @param nodeWarmUp unmeasured health-check load on a freshly started node before its first row, so
 *     that JIT compilation is not counted as server CPU ({@code bench.node.warmup.s})
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
    int retries,
    List<Integer> rawIntraOp,
    List<Integer> ceilingClients,
    boolean hop,
    int hopRounds,
    Duration nodeWarmUp,
    Duration longWindow,
    boolean sharedGrpcChannel) {

  /** Client counts of the full run. */
  private static final List<Integer> FULL_CONCURRENCY = List.of(1, 16, 64);

  public static BenchConfig fromSystemProperties() {
    boolean quick = Boolean.getBoolean("bench.quick");
    Duration warmUp = seconds("bench.warmup.s", 2);
    Duration window = seconds("bench.window.s", quick ? 2 : 5);
    String concurrency = System.getProperty("bench.concurrency");
    Map<String, List<Integer>> perModel;
    if (concurrency != null) {
      List<Integer> all = ints(concurrency);
      perModel = Map.of("simple", all, "tiny", all, "minilm", all, "mlp", all);
    } else if (quick) {
      // Just what the targets read: the tiny models at 1 and 16, MiniLM at 16, MLP at 64 (and 1
      // for its raw batch-1 baseline).
      perModel =
          Map.of(
              "simple",
              List.of(1, 16),
              "tiny",
              List.of(1, 16),
              "minilm",
              List.of(16),
              "mlp",
              List.of(1, 64));
    } else {
      perModel = Map.of();
    }
    Path root = Path.of(System.getProperty("bench.root", ".")).toAbsolutePath().normalize();
    return new BenchConfig(
        quick,
        warmUp,
        window,
        list("bench.models", quick ? "simple,minilm" : "simple,minilm,mlp"),
        list("bench.protocols", quick ? "binary,grpc" : "json,binary,grpc"),
        list("bench.batching", quick ? "off" : "off,on"),
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
        Integer.parseInt(System.getProperty("bench.retries", quick ? "0" : "1")),
        ints(System.getProperty("bench.raw.intra-op", "0,1")),
        ints(System.getProperty("bench.ceiling.concurrency", quick ? "64" : "1,16,64")),
        Boolean.parseBoolean(System.getProperty("bench.hop", "true")),
        Integer.getInteger("bench.rounds", 2),
        seconds("bench.node.warmup.s", 5),
        seconds("bench.window.long.s", quick ? 6 : 10),
        Boolean.getBoolean("bench.grpc.shared-channel"));
  }

  private static List<Integer> ints(String csv) {
    return Arrays.stream(csv.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .map(Integer::parseInt)
        .toList();
  }

  /** The timed window of {@code model}'s rows: the long one for the compute-bound models. */
  public Duration window(String model) {
    return model.equals("minilm") || model.equals("mlp") ? longWindow : window;
  }

  public List<Integer> concurrency(String model) {
    return concurrency.getOrDefault(model, FULL_CONCURRENCY);
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
