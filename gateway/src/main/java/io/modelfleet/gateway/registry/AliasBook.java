package io.modelfleet.gateway.registry;

import io.modelfleet.protocol.model.AliasTarget;
import io.modelfleet.protocol.model.ModelView;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The aliases of each model as this gateway last read them from the registry, so that a request
 * naming an alias (or the unversioned route, which serves the alias {@code stable}) is routed
 * without asking the registry. Every registry reply through {@link RegistryClient} refreshes its
 * model's entry; an entry older than {@link #MAX_AGE_NANOS} is refreshed in the background on its
 * next use (the request is answered from the entry it found), so an alias changed through another
 * node's gateway reaches this one within about that long. A model never read has no entry: its
 * first use starts a read, and until that answers it is served as if it had no aliases.
 */
public final class AliasBook {

  /** How long an entry is used before its next use refreshes it. */
  static final long MAX_AGE_NANOS = 2_000_000_000L;

  private record Entry(Map<String, AliasTarget> aliases, long readAt) {}

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final Consumer<String> refresh;
  private final LongSupplier clock;

  /**
   * {@code refresh} reads a model from the registry (and so {@link #learn}s it), asynchronously.
   */
  AliasBook(Consumer<String> refresh) {
    this(refresh, System::nanoTime);
  }

  AliasBook(Consumer<String> refresh, LongSupplier clock) {
    this.refresh = refresh;
    this.clock = clock;
  }

  /**
   * Keeps the aliases of a model that exists; forgets one that does not (so that requests naming
   * models that were never registered leave nothing behind).
   */
  void learn(ModelView view) {
    if (view.exists()) {
      entries.put(view.name(), new Entry(view.aliases(), clock.getAsLong()));
    } else {
      entries.remove(view.name());
    }
  }

  /**
   * The aliases of {@code model} as last read (empty when none or not read yet): one lookup.
   * Callers ask only about models with Ready replicas, which exist.
   */
  public Map<String, AliasTarget> of(String model) {
    Entry e = entries.get(model);
    long now = clock.getAsLong();
    if (e == null || now - e.readAt > MAX_AGE_NANOS) {
      // One refresh at a time: the entry's clock restarts now, and the read replaces it.
      Map<String, AliasTarget> known = e == null ? Map.of() : e.aliases;
      entries.put(model, new Entry(known, now));
      refresh.accept(model);
      return known;
    }
    return e.aliases;
  }
}
