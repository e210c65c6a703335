package io.modelfleet.gateway.management;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Caller;
import io.modelfleet.gateway.GatewaySettings;
import io.modelfleet.gateway.Json;
import io.modelfleet.gateway.RouteSupport;
import io.modelfleet.gateway.limits.LimitResponses;
import io.modelfleet.gateway.limits.Refused;
import io.modelfleet.gateway.limits.UploadAdmission;
import io.modelfleet.gateway.limits.UploadAdmitted;
import io.modelfleet.gateway.registry.RegistryClient;
import io.modelfleet.gateway.registry.UploadResults;
import io.modelfleet.gateway.routing.ReplicaDirectory;
import io.modelfleet.gateway.security.UploadGate;
import io.modelfleet.gateway.shadow.ShadowReport;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.ModelView;
import io.modelfleet.protocol.model.Names;
import io.modelfleet.protocol.model.ValidationSample;
import io.modelfleet.protocol.service.ModelCatalog;
import io.modelfleet.protocol.service.ModelUploads;
import io.modelfleet.protocol.service.UploadOutcome;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.util.ByteString;

/**
 * The management API under {@code /v1/models}: upload versions, inspect models, change deployments,
 * read the audit history. Every change carries the caller's principal and request id into the
 * registry, whose journal is the audit trail.
 */
public final class ManagementRoutes extends RouteSupport {

  private final RegistryClient registry;
  private final ModelCatalog catalog;
  private final ModelUploads uploads;
  private final ReplicaDirectory directory;
  private final DeploymentLimits limits;
  private final UploadGate quotas;
  private final AliasRequests aliases;
  private final ShadowReport shadows;

  public ManagementRoutes(
      GatewaySettings settings,
      DeploymentLimits limits,
      RegistryClient registry,
      ModelCatalog catalog,
      ModelUploads uploads,
      UploadGate quotas,
      ReplicaDirectory directory,
      ShadowReport shadows) {
    super(settings.maxJsonBody());
    this.shadows = shadows;
    this.quotas = quotas;
    this.limits = limits;
    this.registry = registry;
    this.catalog = catalog;
    this.uploads = uploads;
    this.directory = directory;
    this.aliases = new AliasRequests(registry, directory::current);
  }

  public Route route(Caller caller) {
    return pathPrefix(
        segment("v1").slash("models"),
        () ->
            concat(
                pathEndOrSingleSlash(() -> get(() -> respond(caller, list(caller)))),
                pathPrefix(
                    segment(),
                    model ->
                        concat(
                            pathEndOrSingleSlash(
                                () ->
                                    get(
                                        () ->
                                            respond(
                                                caller,
                                                registry.existing(model).thenApply(this::detail)))),
                            path(
                                segment("versions").slash(segment()),
                                version -> put(() -> upload(caller, model, version))),
                            path(
                                segment("versions").slash(segment()).slash("validation"),
                                version ->
                                    concat(
                                        put(
                                            () ->
                                                jsonBody(
                                                    body ->
                                                        validation(
                                                            caller,
                                                            model,
                                                            version,
                                                            ValidationJson.parseBody(
                                                                Json.parse(body), limits)))),
                                        delete(
                                            () -> validation(caller, model, version, List.of())))),
                            pathPrefix(
                                "deployments",
                                () ->
                                    concat(
                                        pathEndOrSingleSlash(
                                            () ->
                                                post(
                                                    () ->
                                                        jsonBody(
                                                            body -> deploy(caller, model, body)))),
                                        path(
                                            segment(),
                                            version ->
                                                delete(
                                                    () ->
                                                        respond(
                                                            caller,
                                                            registry
                                                                .undeploy(
                                                                    model, version, caller.meta())
                                                                .thenApply(this::detail)))))),
                            path(
                                segment("aliases").slash(segment()),
                                alias ->
                                    concat(
                                        put(
                                            () ->
                                                jsonBody(
                                                    body ->
                                                        respond(
                                                            caller,
                                                            aliases
                                                                .set(caller, model, alias, body)
                                                                .thenApply(this::detail)))),
                                        delete(
                                            () ->
                                                respond(
                                                    caller,
                                                    aliases
                                                        .remove(caller, model, alias)
                                                        .thenApply(this::detail))))),
                            path("shadow", () -> get(() -> respond(caller, shadow(model)))),
                            path("history", () -> get(() -> respond(caller, history(model))))))));
  }

  /** The model's shadow comparisons over the cluster ({@link ShadowSummary}). */
  private CompletionStage<HttpResponse> shadow(String model) {
    return registry
        .existing(model)
        .thenCompose(view -> shadows.read(view.name()))
        .thenApply(summary -> Json.ok(summary::write));
  }

  private CompletionStage<HttpResponse> list(Caller caller) {
    return registry
        .all(caller.identity())
        .thenApply(
            views -> {
              var table = directory.current();
              return Json.ok(g -> ModelJson.list(views, table, g));
            });
  }

  private HttpResponse detail(ModelView view) {
    return detail(200, view);
  }

  private HttpResponse detail(int status, ModelView view) {
    var table = directory.current();
    return Json.response(status, g -> ModelJson.detail(view, table, g));
  }

  /**
   * Streams the body to the upload service: never read whole, and exempt from the request timeout
   * because a large model on a slow link may take minutes. A Content-Length over the store's
   * maximum answers 413 at once; otherwise the store enforces the maximum as bytes arrive. The
   * daily upload quota reserves the Content-Length before the body is read (429 when it would not
   * fit) and then counts the bytes actually passed to the store, whatever the upload's outcome.
   */
  private Route upload(Caller caller, String model, String version) {
    String problem = Names.problem("model", model);
    if (problem == null) {
      problem = Names.versionProblem("version", version);
    }
    if (problem != null) {
      return complete(Json.error(400, problem));
    }
    return extractRequestEntity(
        entity -> {
          // Refused from the header alone, before a byte of the body is read; a chunked body (no
          // Content-Length) is cut by the store when it passes the limit.
          long declared = entity.getContentLengthOption().orElse(-1L);
          if (declared > uploads.maxUploadBytes()) {
            return complete(
                Json.error(
                    413,
                    "the model file is "
                        + declared
                        + " bytes (Content-Length), larger than the limit of "
                        + uploads.maxUploadBytes()
                        + " bytes (modelfleet.artifacts.max-upload-size)"));
          }
          UploadAdmission admission = quotas.admit(caller, declared);
          if (admission instanceof Refused refused) {
            return complete(LimitResponses.refused(refused));
          }
          UploadAdmitted admitted = (UploadAdmitted) admission;
          AtomicLong received = new AtomicLong();
          var body =
              entity
                  .withoutSizeLimit()
                  .getDataBytes()
                  .map(
                      chunk -> {
                        received.addAndGet(chunk.size());
                        return chunk;
                      });
          return withoutRequestTimeout(
              () ->
                  respond(
                      caller,
                      uploads
                          .upload(model, version, body, caller.meta())
                          .whenComplete((outcome, failure) -> admitted.settle(received.get()))
                          .thenApply(ManagementRoutes::uploaded)));
        });
  }

  private static HttpResponse uploaded(UploadOutcome outcome) {
    UploadOutcome.Stored stored = UploadResults.requireStored(outcome);
    return Json.response(stored.created() ? 201 : 200, g -> ModelJson.stored(stored, g));
  }

  private Route deploy(Caller caller, String model, ByteString body) {
    DeploymentSpec spec = DeploymentRequest.parse(Json.parse(body), limits);
    return respond(
        caller, registry.deploy(model, spec, caller.meta()).thenApply(view -> detail(202, view)));
  }

  private Route validation(
      Caller caller, String model, String version, List<ValidationSample> samples) {
    return respond(
        caller,
        registry
            .existing(model)
            .thenCompose(
                view -> {
                  var info = view.versions().get(version);
                  if (info != null) {
                    ValidationSignature.check(samples, info);
                  }
                  // An unknown version is the registry's 404.
                  return registry.setValidation(model, version, samples, caller.meta());
                })
            .thenApply(this::detail));
  }

  private CompletionStage<HttpResponse> history(String model) {
    if (Names.problem("model", model) != null) {
      return CompletableFuture.failedFuture(
          ApiException.notFound(RegistryClient.notRegistered(model)));
    }
    return catalog
        .history(model)
        .thenApply(
            events -> {
              if (events.isEmpty()) {
                throw ApiException.notFound(RegistryClient.notRegistered(model));
              }
              return Json.ok(g -> ModelJson.history(model, events, g));
            });
  }
}
