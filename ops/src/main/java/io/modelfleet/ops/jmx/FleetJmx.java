package io.modelfleet.ops.jmx;

import io.modelfleet.ops.observe.ReplicaObserver;
import io.modelfleet.ops.observe.ReplicaObservers;
import io.modelfleet.ops.window.ModelWindows;
import io.modelfleet.ops.window.WindowSnapshot;
import io.modelfleet.protocol.replica.ReplicaInfo;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ModelFleet MBeans of one node in the platform MBean server (see {@link JmxNames} for the
 * names): the Cluster MBean from the start, a Model MBean for every model that has a replica in the
 * cluster or was served here, a Replica MBean for every replica serving here (a {@link
 * ReplicaObservers}: registered when its session opens, unregistered when it closes), and the Node
 * MBean once the node's drains and devices exist ({@link #registerNode}). Everything is
 * unregistered when the actor system terminates.
 *
 * <p>Registrations come from the directory subscriber's actor and from replica actors; the
 * bookkeeping of model names is synchronized (held for a few map operations and a registration,
 * never on a request path).
 */
public final class FleetJmx implements ReplicaObservers {
  private static final Logger log = LoggerFactory.getLogger(FleetJmx.class);

  private final MBeanServer server;
  private final JmxNames names;
  private final DirectoryView directory;
  private final ModelWindows windows;
  private final ClusterSource cluster;

  /** What this node registered, by name (another node in this JVM may hold other names). */
  private final Map<ObjectName, Object> registered = new ConcurrentHashMap<>();

  // Guarded by this.
  private final Map<String, ObjectName> models = new HashMap<>();

  FleetJmx(
      MBeanServer server,
      JmxNames names,
      DirectoryView directory,
      ModelWindows windows,
      ClusterSource cluster) {
    this.server = server;
    this.names = names;
    this.directory = directory;
    this.windows = windows;
    this.cluster = cluster;
  }

  /**
   * Registers the Cluster MBean, starts the directory subscriber (a system actor) and returns the
   * registry, which the caller adds to the node's replica observers.
   */
  public static FleetJmx start(
      ActorSystem<?> system, JmxNames names, ModelWindows windows, ClusterSource cluster) {
    FleetJmx jmx =
        new FleetJmx(
            ManagementFactory.getPlatformMBeanServer(),
            names,
            new DirectoryView(),
            windows,
            cluster);
    jmx.register(names.cluster(), new ClusterView(cluster, jmx.directory));
    system.systemActorOf(
        DirectoryView.create(jmx.directory, jmx::refreshModels),
        "jmx-directory-view",
        Props.empty());
    system.getWhenTerminated().thenRun(jmx::unregisterAll);
    return jmx;
  }

  /** The directory copy the MBeans read (the node's drain operation reads the draining set). */
  public DirectoryView directory() {
    return directory;
  }

  /** Registers the Node MBean, once the node's devices and drains exist. */
  public void registerNode(DeviceSource devices, NodeControl control, Instant started) {
    register(
        names.node(),
        new NodeView(
            cluster, devices, control, directory, windows, started, System::currentTimeMillis));
  }

  @Override
  public ReplicaObserver open(String model, String version, String replicaId, String device) {
    ensureModel(model);
    ObjectName name = names.replica(model, version, replicaId);
    ReplicaView view =
        new ReplicaView(
            model,
            version,
            replicaId,
            device,
            Instant.now(),
            directory,
            closed -> unregister(name, closed));
    // An incarnation of the same id that never reported closed (it crashed) gives way.
    Object stale = registered.get(name);
    if (stale != null) {
      unregister(name, stale);
    }
    register(name, view);
    return view;
  }

  /** Every model in the directory or served here has its MBean; the others have none. */
  synchronized void refreshModels(Collection<ReplicaInfo> entries) {
    Set<String> wanted = new HashSet<>();
    entries.forEach(r -> wanted.add(r.model()));
    windows.snapshot().stream().map(WindowSnapshot::model).forEach(wanted::add);
    for (String m : wanted) {
      ensureModel(m);
    }
    for (var it = models.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!wanted.contains(e.getKey())) {
        unregister(e.getValue(), registered.get(e.getValue()));
        it.remove();
      }
    }
  }

  private synchronized void ensureModel(String model) {
    if (!models.containsKey(model)) {
      ObjectName name = names.model(model);
      models.put(model, name);
      register(name, new ModelView(model, directory, windows, cluster));
    }
  }

  private void register(ObjectName name, Object mbean) {
    try {
      server.registerMBean(mbean, name);
      registered.put(name, mbean);
    } catch (JMException e) {
      // Another node in this JVM under the same name (multi-mbeans-in-same-jvm off), or a bug:
      // the node serves on without this MBean.
      log.warn("MBean {} not registered: {}", name, e.toString());
    }
  }

  /** Unregisters {@code name} if {@code mbean} is still what this node registered there. */
  private void unregister(ObjectName name, Object mbean) {
    if (mbean != null && registered.remove(name, mbean)) {
      try {
        server.unregisterMBean(name);
      } catch (JMException e) {
        log.debug("MBean {} was not registered: {}", name, e.toString());
      }
    }
  }

  private void unregisterAll() {
    registered.forEach(this::unregister);
  }
}
