package io.modelfleet.ops.observe;

import io.modelfleet.protocol.tensor.Tensor;
import java.util.List;

/** Hands every report of one replica to several observers, in order. */
final class FanOutReplicaObserver implements ReplicaObserver {
  private final ReplicaObserver[] all;
  private final boolean wantsOutputs;

  FanOutReplicaObserver(ReplicaObserver[] all) {
    this.all = all;
    boolean wants = false;
    for (ReplicaObserver o : all) {
      wants |= o.wantsOutputs();
    }
    this.wantsOutputs = wants;
  }

  /** One observer for {@code all}: {@link ReplicaObserver#NONE}, the only one, or a fan-out. */
  static ReplicaObserver of(ReplicaObserver[] all) {
    return switch (all.length) {
      case 0 -> ReplicaObserver.NONE;
      case 1 -> all[0];
      default -> new FanOutReplicaObserver(all);
    };
  }

  @Override
  public void pending(int count) {
    for (ReplicaObserver o : all) {
      o.pending(count);
    }
  }

  @Override
  public void waiting(int count) {
    for (ReplicaObserver o : all) {
      o.waiting(count);
    }
  }

  @Override
  public void queued(long waitedNs) {
    for (ReplicaObserver o : all) {
      o.queued(waitedNs);
    }
  }

  @Override
  public void executed(int requests, int rows, long inputNs, long inferNs, long outputNs) {
    for (ReplicaObserver o : all) {
      o.executed(requests, rows, inputNs, inferNs, outputNs);
    }
  }

  @Override
  public void succeeded(long totalNs) {
    for (ReplicaObserver o : all) {
      o.succeeded(totalNs);
    }
  }

  @Override
  public void cacheHit(long lookupNs) {
    for (ReplicaObserver o : all) {
      o.cacheHit(lookupNs);
    }
  }

  @Override
  public void cacheMiss(long ns) {
    for (ReplicaObserver o : all) {
      o.cacheMiss(ns);
    }
  }

  @Override
  public void failed(FailureReason reason, long totalNs) {
    for (ReplicaObserver o : all) {
      o.failed(reason, totalNs);
    }
  }

  @Override
  public boolean wantsOutputs() {
    return wantsOutputs;
  }

  @Override
  public void outputs(List<Tensor> outputs) {
    for (ReplicaObserver o : all) {
      if (o.wantsOutputs()) {
        o.outputs(outputs);
      }
    }
  }

  @Override
  public void closed() {
    for (ReplicaObserver o : all) {
      o.closed();
    }
  }
}
