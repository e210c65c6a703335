package io.modelfleet.ops.alerts.drift;

import io.modelfleet.protocol.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The drift series of every sampled output on this node, and the samplers the replicas feed them
 * through. A model version's replicas on the node share its series; the evaluator reads them every
 * round and resets a model's series when asked to capture its reference again.
 */
public final class DriftMonitor {

  private record Key(String model, String version, String output) {}

  private final DriftSettings settings;
  private final LongSupplier clock;
  private final ConcurrentHashMap<Key, DriftSeries> series = new ConcurrentHashMap<>();

  /**
   * @param clock monotonic nanoseconds ({@code System::nanoTime}; tests pass their own)
   */
  public DriftMonitor(DriftSettings settings, LongSupplier clock) {
    this.settings = settings;
    this.clock = clock;
  }

  /** A sampler for one replica of {@code model} {@code version}. */
  public Sampler sampler(String model, String version) {
    return new Sampler(model, version);
  }

  /** Every series with a reference and enough values in its window. */
  public List<DriftReading> readings() {
    long now = clock.getAsLong();
    List<DriftReading> out = new ArrayList<>();
    for (DriftSeries s : series.values()) {
      s.reading(now).ifPresent(out::add);
    }
    return out;
  }

  /** Drops the references and windows of every version and output of {@code model}. */
  public void reset(String model) {
    for (DriftSeries s : series.values()) {
      if (s.model().equals(model)) {
        s.reset();
      }
    }
  }

  /**
   * Takes the outputs of one replica's successful requests: every {@code sample-every}-th, at most
   * {@code max-samples-per-second} a second, up to {@code max-values-per-output} values of each
   * numeric output. A replica with several concurrent runs calls it from several threads at once,
   * so it is synchronized: its counters and buffer are shared, and an unsampled call costs only the
   * uncontended lock and a counter.
   */
  public final class Sampler {
    private final String model;
    private final String version;
    private final double[] buffer = new double[settings.maxValuesPerOutput()];
    private long seen;
    private long second = Long.MIN_VALUE;
    private int taken;

    private Sampler(String model, String version) {
      this.model = model;
      this.version = version;
    }

    public synchronized void outputs(List<Tensor> outputs) {
      if (seen++ % settings.sampleEvery() != 0) {
        return;
      }
      long now = clock.getAsLong();
      long s = Math.floorDiv(now, 1_000_000_000L);
      if (s != second) {
        second = s;
        taken = 0;
      }
      if (taken >= settings.maxSamplesPerSecond()) {
        return;
      }
      taken++;
      for (Tensor t : outputs) {
        if (!OutputValues.numeric(t.datatype())) {
          continue;
        }
        int n = OutputValues.read(t, buffer);
        if (n > 0) {
          series
              .computeIfAbsent(
                  new Key(model, version, t.name()),
                  k -> new DriftSeries(k.model(), k.version(), k.output(), settings))
              .add(buffer, n, now);
        }
      }
    }
  }
}
