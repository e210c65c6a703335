package io.modelfleet.gateway.repository;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Caller;
import io.modelfleet.gateway.management.ValidationSignature;
import io.modelfleet.gateway.registry.RegistryClient;
import io.modelfleet.protocol.model.ValidationSample;
import io.modelfleet.protocol.model.VersionInfo;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Records the validation samples a repository load brings ({@code file:<v>/validation.json}) on
 * their versions, after the uploads and before the deployment, so that the first replica of a new
 * version already runs them before it becomes READY. Samples that do not fit their version's
 * signature fail the load with a 400 naming the tensor, as the validation route does.
 */
final class LoadValidation {

  private LoadValidation() {}

  static CompletionStage<Void> record(
      RegistryClient registry,
      String model,
      SortedMap<String, List<ValidationSample>> samples,
      Caller caller) {
    if (samples.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return registry
        .existing(model)
        .thenCompose(
            view -> {
              CompletionStage<Void> done = CompletableFuture.completedFuture(null);
              for (Map.Entry<String, List<ValidationSample>> e : samples.entrySet()) {
                VersionInfo version = view.versions().get(e.getKey());
                if (version == null) {
                  throw ApiException.badRequest(
                      "parameter 'file:"
                          + e.getKey()
                          + "/validation.json' names version '"
                          + e.getKey()
                          + "' of model '"
                          + model
                          + "', which neither exists nor is uploaded by this load");
                }
                ValidationSignature.check(e.getValue(), version);
                done =
                    done.thenCompose(
                        x ->
                            registry
                                .setValidation(
                                    model,
                                    e.getKey(),
                                    e.getValue(),
                                    caller.meta("Triton repository load"))
                                .thenApply(v -> null));
              }
              return done;
            });
  }
}
