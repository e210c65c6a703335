package io.modelfleet.ops.jmx;

import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * The names ModelFleet's MBeans are registered under, in the {@code io.modelfleet} domain:
 *
 * <pre>
 * io.modelfleet:type=Node                                     this node
 * io.modelfleet:type=Cluster                                  the cluster as this node sees it
 * io.modelfleet:type=Model,name=&lt;model&gt;                       one model, cluster-wide and here
 * io.modelfleet:type=Replica,model=&lt;m&gt;,version=&lt;v&gt;,id=&lt;id&gt;   a replica serving on this node
 * </pre>
 *
 * A value holding a character that ObjectName reserves (or a '/', as every replica id does) is
 * quoted with {@link ObjectName#quote}, so {@code id="demo/1/0"}; {@link #unquote} reads it back.
 * When several nodes share one JVM (tests, with {@code pekko.cluster.jmx.multi-mbeans-in-same-jvm =
 * on}) every name also carries {@code port=<remoting port>}, as Pekko's own cluster MBean does.
 */
public final class JmxNames {
  public static final String DOMAIN = "io.modelfleet";

  /** "" or ",port=N": what {@link #of} appends so that nodes in one JVM do not collide. */
  private final String suffix;

  private JmxNames(String suffix) {
    this.suffix = suffix;
  }

  /** Names for the only node in its JVM. */
  public static JmxNames single() {
    return new JmxNames("");
  }

  /** Names that also carry the node's remoting port, for several nodes in one JVM. */
  public static JmxNames withPort(int port) {
    return new JmxNames(",port=" + port);
  }

  public ObjectName node() {
    return of("type=Node");
  }

  public ObjectName cluster() {
    return of("type=Cluster");
  }

  public ObjectName model(String model) {
    return of("type=Model,name=" + value(model));
  }

  public ObjectName replica(String model, String version, String replicaId) {
    return of(
        "type=Replica,model="
            + value(model)
            + ",version="
            + value(version)
            + ",id="
            + value(replicaId));
  }

  /** {@code v} as an ObjectName value: as it is when that is legal and plain, else quoted. */
  public static String value(String v) {
    if (v.isEmpty()) {
      return ObjectName.quote(v);
    }
    for (int i = 0; i < v.length(); i++) {
      switch (v.charAt(i)) {
        case ':', ',', '=', '*', '?', '"', '/', '\\', '\n' -> {
          return ObjectName.quote(v);
        }
        default -> {}
      }
    }
    return v;
  }

  /** The plain value of a key property as {@link #value} wrote it. */
  public static String unquote(String v) {
    return v.startsWith("\"") ? ObjectName.unquote(v) : v;
  }

  private ObjectName of(String properties) {
    try {
      return new ObjectName(DOMAIN + ":" + properties + suffix);
    } catch (MalformedObjectNameException e) {
      // Every value passes through value(), so this would be a bug here, not bad input.
      throw new IllegalStateException("a malformed MBean name: " + properties, e);
    }
  }
}
