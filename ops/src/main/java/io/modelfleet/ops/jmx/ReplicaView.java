package io.modelfleet.ops.jmx;

import io.modelfleet.ops.observe.FailureReason;
import io.modelfleet.ops.observe.ReplicaObserver;
import io.modelfleet.protocol.replica.ReplicaInfo;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * A serving replica's MBean and the observer its reports arrive at. The counters have one writer
 * (the replica's actor, see {@link ReplicaObserver}), so volatile fields suffice and a report costs
 * a field write. {@link #closed} hands it to {@code onClosed}, which unregisters it.
 */
final class ReplicaView implements ReplicaMXBean, ReplicaObserver {
  private final String model;
  private final String version;
  private final String id;
  private final String device;
  private final Instant since;
  private final DirectoryView directory;
  private final Consumer<ReplicaView> onClosed;

  private volatile int pending;
  private volatile long requests;
  private volatile long failures;

  ReplicaView(
      String model,
      String version,
      String id,
      String device,
      Instant since,
      DirectoryView directory,
      Consumer<ReplicaView> onClosed) {
    this.model = model;
    this.version = version;
    this.id = id;
    this.device = device;
    this.since = since;
    this.directory = directory;
    this.onClosed = onClosed;
  }

  // ReplicaObserver: called from the replica's actor only, so the increments below do not race.

  @Override
  public void pending(int count) {
    pending = count;
  }

  @Override
  public void succeeded(long totalNs) {
    requests = requests + 1;
  }

  @Override
  public void failed(FailureReason reason, long totalNs) {
    requests = requests + 1;
    failures = failures + 1;
  }

  @Override
  public void closed() {
    onClosed.accept(this);
  }

  // ReplicaMXBean: any thread.

  @Override
  public String getId() {
    return id;
  }

  @Override
  public String getModel() {
    return model;
  }

  @Override
  public String getVersion() {
    return version;
  }

  @Override
  public String getDevice() {
    return device;
  }

  @Override
  public String getState() {
    ReplicaInfo info = directory.replicas().get(id);
    return info == null ? "READY" : info.state().name();
  }

  @Override
  public int getPending() {
    return pending;
  }

  @Override
  public long getRequests() {
    return requests;
  }

  @Override
  public long getFailures() {
    return failures;
  }

  @Override
  public String getServingSince() {
    return since.toString();
  }
}
