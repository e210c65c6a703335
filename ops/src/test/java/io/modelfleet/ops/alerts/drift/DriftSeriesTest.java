package io.modelfleet.ops.alerts.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DriftSeriesTest {
  private static final long SECOND = 1_000_000_000L;

  static DriftSettings settings(String overrides) {
    return DriftSettings.of(
        ConfigFactory.parseString(overrides)
            .withFallback(
                ConfigFactory.defaultReference().getConfig("modelfleet.ops.alerts.drift")));
  }

  private final DriftSettings small =
      settings(
          "reference-size = 1000, min-window-values = 300, window = 10s, window-slices = 10,"
              + " max-samples-per-second = 100000, max-values-per-output = 1");

  private static Tensor fp32(String name, float v) {
    byte[] b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(v).array();
    return new Tensor(name, DataType.FP32, new long[] {1, 1}, b);
  }

  @Test
  void theReferenceComesFirstThenTheWindowIsComparedWithIt() {
    AtomicLong clock = new AtomicLong(100 * SECOND);
    DriftMonitor monitor = new DriftMonitor(small, clock::get);
    DriftMonitor.Sampler sampler = monitor.sampler("m", "1");
    Random r = new Random(1);
    for (int i = 0; i < 1000; i++) {
      sampler.outputs(List.of(fp32("y", (float) r.nextGaussian())));
    }
    assertEquals(List.of(), monitor.readings(), "a reference and no window yet");
    for (int i = 0; i < 500; i++) {
      sampler.outputs(List.of(fp32("y", (float) (r.nextGaussian() + 3))));
    }
    DriftReading d = monitor.readings().get(0);
    assertEquals("y", d.output());
    assertEquals(500, d.windowValues());
    assertEquals(1000, d.referenceValues());
    assertTrue(d.psi() > 0.25, "psi " + d.psi());
    assertEquals(3, d.windowMean(), 0.3);
    assertEquals(0, d.referenceMean(), 0.3);
    assertEquals(1, d.referenceStd(), 0.3);

    // The shifted values leave the window; values like the reference's replace them.
    clock.addAndGet(11 * SECOND);
    for (int i = 0; i < 500; i++) {
      sampler.outputs(List.of(fp32("y", (float) r.nextGaussian())));
    }
    DriftReading back = monitor.readings().get(0);
    assertEquals(500, back.windowValues());
    assertTrue(back.psi() < 0.1, "psi " + back.psi());

    // A reset: the next values are the new reference.
    monitor.reset("m");
    assertEquals(List.of(), monitor.readings());
    for (int i = 0; i < 1500; i++) {
      sampler.outputs(List.of(fp32("y", (float) (r.nextGaussian() + 3))));
    }
    assertTrue(monitor.readings().get(0).psi() < 0.1);
  }

  @Test
  void samplingTakesEveryNthRequestUpToTheRateAndOnlyNumericOutputs() {
    AtomicLong clock = new AtomicLong(0);
    DriftSettings s =
        settings(
            "reference-size = 10, min-window-values = 1, sample-every = 2,"
                + " max-samples-per-second = 3, max-values-per-output = 1");
    DriftMonitor monitor = new DriftMonitor(s, clock::get);
    DriftMonitor.Sampler sampler = monitor.sampler("m", "1");
    Tensor text = new Tensor("t", DataType.BYTES, new long[] {1}, new byte[] {1, 0, 0, 0, 'a'});
    for (int i = 0; i < 100; i++) {
      sampler.outputs(List.of(fp32("y", i), text));
    }
    // Second 0: requests 0, 2, 4 sampled (3 a second); the rest refused by the rate.
    clock.addAndGet(SECOND);
    for (int i = 0; i < 14; i++) {
      sampler.outputs(List.of(fp32("y", i)));
    }
    // Second 1: 3 more; 6 values so far, the reference needs 10.
    assertEquals(List.of(), monitor.readings());
    clock.addAndGet(SECOND);
    for (int i = 0; i < 100; i++) {
      sampler.outputs(List.of(fp32("y", i)));
    }
    clock.addAndGet(SECOND);
    for (int i = 0; i < 100; i++) {
      sampler.outputs(List.of(fp32("y", i)));
    }
    // 12 values: 10 reference, 2 in the window; no series for the BYTES output.
    List<DriftReading> r = monitor.readings();
    assertEquals(1, r.size());
    assertEquals(2, r.get(0).windowValues());
  }
}
