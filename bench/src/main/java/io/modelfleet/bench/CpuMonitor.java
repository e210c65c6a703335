package io.modelfleet.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How much CPU processes other than the bench and its node used during a window, in cores. The
 * bench shares a small machine with whatever else runs there (builds, tests); a window in which
 * something else took a core is not comparable with one in which nothing did, and the report should
 * say so rather than leave it to guesswork.
 *
 * <p>Reads /proc: busy time of all CPUs (user, nice, system, irq, softirq, steal) minus the user
 * and system time of our own processes, over the window. Both are in the same clock ticks, so the
 * share of all ticks times the core count is "cores used by others". NaN off Linux.
 *
 * <p>It also reads the CPU time of one of our processes, the one serving the load (the node, the
 * trivial server, or the bench itself for raw ORT): that time over the requests of a window is what
 * one request costs the server, the figure issue 12's health and MiniLM targets read. Clock ticks
 * are 10 ms (USER_HZ 100 on Linux), so a 2 s window of a busy server is read to about 1 %.
 */
public final class CpuMonitor {

  /** Linux's USER_HZ: /proc reports CPU times in hundredths of a second. */
  private static final double TICK_SECONDS = 0.01;

  private final List<Long> pids;
  private final long servingPid;

  public CpuMonitor(List<Long> pids) {
    this(pids, pids.get(0));
  }

  private CpuMonitor(List<Long> pids, long servingPid) {
    this.pids = List.copyOf(pids);
    this.servingPid = servingPid;
  }

  /**
   * The same monitor, reading {@code pid} as the serving process (and counting it as ours, not as
   * another's).
   */
  public CpuMonitor serving(long pid) {
    if (pids.contains(pid)) {
      return new CpuMonitor(pids, pid);
    }
    List<Long> all = new ArrayList<>(pids);
    all.add(pid);
    return new CpuMonitor(all, pid);
  }

  /**
   * A reading at one instant; {@link #otherCores} and {@link #servingCpuSeconds} of two readings
   * are the window's figures.
   */
  public record Snapshot(
      long busyTicks, long totalTicks, long ourTicks, long servingTicks, boolean valid) {}

  public Snapshot snapshot() {
    try {
      String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = cpu.trim().split("\\s+");
      long total = 0;
      // f[0] is "cpu"; user nice system idle iowait irq softirq steal [guest guest_nice, already in
      // user]
      for (int i = 1; i <= Math.min(8, f.length - 1); i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      long ours = 0;
      long serving = 0;
      for (long pid : pids) {
        long ticks = processTicks(pid);
        ours += ticks;
        serving += pid == servingPid ? ticks : 0;
      }
      return new Snapshot(total - idle, total, ours, serving, true);
    } catch (IOException | RuntimeException e) {
      return new Snapshot(0, 0, 0, 0, false);
    }
  }

  /** CPU seconds the serving process used between two readings; NaN where unknown. */
  public static double servingCpuSeconds(Snapshot a, Snapshot b) {
    if (!a.valid() || !b.valid()) {
      return Double.NaN;
    }
    return (b.servingTicks() - a.servingTicks()) * TICK_SECONDS;
  }

  /** Cores' worth of CPU that others used between two readings. */
  public static double otherCores(Snapshot a, Snapshot b) {
    if (!a.valid() || !b.valid() || b.totalTicks() <= a.totalTicks()) {
      return Double.NaN;
    }
    long others = (b.busyTicks() - a.busyTicks()) - (b.ourTicks() - a.ourTicks());
    double share = Math.max(0, others) / (double) (b.totalTicks() - a.totalTicks());
    return share * Runtime.getRuntime().availableProcessors();
  }

  private static long processTicks(long pid) throws IOException {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    if (!Files.exists(stat)) {
      return 0; // gone (a node that exited): it uses nothing now
    }
    String s = Files.readString(stat);
    // Fields after "(comm)", which may contain spaces: state is field 3, utime 14, stime 15.
    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }
}
