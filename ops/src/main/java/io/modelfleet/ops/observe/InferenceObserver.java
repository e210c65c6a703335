package io.modelfleet.ops.observe;

/** Told of every inference a gateway answers (usage metering). Must not block. */
@FunctionalInterface
public interface InferenceObserver {

  InferenceObserver NONE = record -> {};

  void inferred(InferenceRecord record);
}
