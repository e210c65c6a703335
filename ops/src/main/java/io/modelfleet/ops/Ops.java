package io.modelfleet.ops;

import io.modelfleet.ops.observe.Observers;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The operations side of one node (one actor system): the {@link Observers} that the replicas and
 * the gateway report to, and the components that the node's start installs (metrics, JMX, alerts,
 * metering, tracing), found by their type. A Pekko extension, so that every part of the node
 * reaches the same one from its actor system without it being passed through every constructor.
 */
public final class Ops implements Extension {

  private static final class Id extends ExtensionId<Ops> {
    @Override
    public Ops createExtension(ActorSystem<?> system) {
      return new Ops();
    }
  }

  private static final Id ID = new Id();

  private final Observers observers = new Observers();
  private final ConcurrentHashMap<Class<?>, Object> components = new ConcurrentHashMap<>();

  private Ops() {}

  public static Ops get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  public Observers observers() {
    return observers;
  }

  /** Installs {@code component} under {@code type}; a second of the same type is refused. */
  public <T> void install(Class<T> type, T component) {
    if (components.putIfAbsent(type, component) != null) {
      throw new IllegalStateException(type.getSimpleName() + " is installed already");
    }
  }

  /** The component installed under {@code type}, if any. */
  public <T> Optional<T> find(Class<T> type) {
    return Optional.ofNullable(components.get(type)).map(type::cast);
  }
}
