package io.modelfleet.ops.jmx;

import io.modelfleet.ops.window.ModelWindows;
import io.modelfleet.ops.window.WindowSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The Node MBean. Attributes come from cached state (Pekko's membership view, the directory copy,
 * the device source's recent reading); the operations go to {@link NodeControl}, which waits for
 * the deployment controller at most its answer timeout.
 */
final class NodeView implements NodeMXBean {
  private final ClusterSource cluster;
  private final DeviceSource devices;
  private final NodeControl control;
  private final DirectoryView directory;
  private final ModelWindows windows;
  private final Instant started;
  private final LongSupplier nowMillis;

  NodeView(
      ClusterSource cluster,
      DeviceSource devices,
      NodeControl control,
      DirectoryView directory,
      ModelWindows windows,
      Instant started,
      LongSupplier nowMillis) {
    this.cluster = cluster;
    this.devices = devices;
    this.control = control;
    this.directory = directory;
    this.windows = windows;
    this.started = started;
    this.nowMillis = nowMillis;
  }

  @Override
  public String getAddress() {
    return cluster.snapshot().self();
  }

  @Override
  public List<String> getRoles() {
    return cluster.snapshot().selfRoles();
  }

  @Override
  public List<DeviceStatus> getDevices() {
    return devices.devices().stream().map(DeviceStatus::new).toList();
  }

  @Override
  public long getUptimeSeconds() {
    return Duration.ofMillis(nowMillis.getAsLong() - started.toEpochMilli()).toSeconds();
  }

  @Override
  public String getStartTime() {
    return started.toString();
  }

  @Override
  public boolean isDraining() {
    return directory.draining().contains(cluster.snapshot().self());
  }

  @Override
  public int getLocalReplicas() {
    return windows.snapshot().stream()
        .map(WindowSnapshot::model)
        .distinct()
        .mapToInt(windows::servingReplicas)
        .sum();
  }

  @Override
  public String drain() {
    return control.drain();
  }

  @Override
  public String cancelDrain() {
    return control.cancelDrain();
  }
}
