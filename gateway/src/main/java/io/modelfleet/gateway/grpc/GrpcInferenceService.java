package io.modelfleet.gateway.grpc;

import io.grpc.ServerInterceptor;
import io.grpc.stub.StreamObserver;
import io.modelfleet.gateway.grpc.proto.CudaSharedMemoryRegisterRequest;
import io.modelfleet.gateway.grpc.proto.CudaSharedMemoryRegisterResponse;
import io.modelfleet.gateway.grpc.proto.CudaSharedMemoryStatusRequest;
import io.modelfleet.gateway.grpc.proto.CudaSharedMemoryStatusResponse;
import io.modelfleet.gateway.grpc.proto.CudaSharedMemoryUnregisterRequest;
import io.modelfleet.gateway.grpc.proto.CudaSharedMemoryUnregisterResponse;
import io.modelfleet.gateway.grpc.proto.GRPCInferenceServiceGrpc;
import io.modelfleet.gateway.grpc.proto.ModelConfigRequest;
import io.modelfleet.gateway.grpc.proto.ModelConfigResponse;
import io.modelfleet.gateway.grpc.proto.ModelInferRequest;
import io.modelfleet.gateway.grpc.proto.ModelInferResponse;
import io.modelfleet.gateway.grpc.proto.ModelMetadataRequest;
import io.modelfleet.gateway.grpc.proto.ModelMetadataResponse;
import io.modelfleet.gateway.grpc.proto.ModelReadyRequest;
import io.modelfleet.gateway.grpc.proto.ModelReadyResponse;
import io.modelfleet.gateway.grpc.proto.ModelStatisticsRequest;
import io.modelfleet.gateway.grpc.proto.ModelStatisticsResponse;
import io.modelfleet.gateway.grpc.proto.RepositoryIndexRequest;
import io.modelfleet.gateway.grpc.proto.RepositoryIndexResponse;
import io.modelfleet.gateway.grpc.proto.RepositoryModelLoadRequest;
import io.modelfleet.gateway.grpc.proto.RepositoryModelLoadResponse;
import io.modelfleet.gateway.grpc.proto.RepositoryModelUnloadRequest;
import io.modelfleet.gateway.grpc.proto.RepositoryModelUnloadResponse;
import io.modelfleet.gateway.grpc.proto.ServerLiveRequest;
import io.modelfleet.gateway.grpc.proto.ServerLiveResponse;
import io.modelfleet.gateway.grpc.proto.ServerMetadataRequest;
import io.modelfleet.gateway.grpc.proto.ServerMetadataResponse;
import io.modelfleet.gateway.grpc.proto.ServerReadyRequest;
import io.modelfleet.gateway.grpc.proto.ServerReadyResponse;
import io.modelfleet.gateway.grpc.proto.SystemSharedMemoryRegisterRequest;
import io.modelfleet.gateway.grpc.proto.SystemSharedMemoryRegisterResponse;
import io.modelfleet.gateway.grpc.proto.SystemSharedMemoryStatusRequest;
import io.modelfleet.gateway.grpc.proto.SystemSharedMemoryStatusResponse;
import io.modelfleet.gateway.grpc.proto.SystemSharedMemoryUnregisterRequest;
import io.modelfleet.gateway.grpc.proto.SystemSharedMemoryUnregisterResponse;
import io.modelfleet.gateway.management.DeploymentLimits;
import io.modelfleet.gateway.memory.BodyAdmission;
import io.modelfleet.gateway.oip.HealthCheck;
import io.modelfleet.gateway.registry.RegistryClient;
import io.modelfleet.gateway.repository.ModelLoader;
import io.modelfleet.gateway.routing.InferenceDispatcher;
import io.modelfleet.gateway.routing.ReplicaDirectory;
import io.modelfleet.gateway.security.GatewaySecurity;
import io.modelfleet.gateway.shm.ShmRegistry;
import io.modelfleet.gateway.shm.ShmTensors;
import io.modelfleet.gateway.stats.ModelStats;
import io.modelfleet.ops.observe.Observers;

/**
 * Triton's / KServe's {@code inference.GRPCInferenceService}: the gRPC front door of the Open
 * Inference Protocol. It shares everything behind the wire format with the HTTP routes: the same
 * access decision (on the equivalent HTTP route, {@link GrpcAccess}), the same registry reads, the
 * same {@link InferenceDispatcher} and memory budget, the same statistics ({@link ModelStats}) and
 * repository loader ({@link ModelLoader}), and validation in the replica. A failure carries the
 * HTTP answer's sentence with the status code tritonclient maps that HTTP status to ({@link
 * GrpcStatus}). Each concern has its class; this one only routes the calls to them.
 *
 * <p>Handlers never block: each completes its observer from a future, so the server runs with a
 * direct executor.
 */
public final class GrpcInferenceService
    extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {

  /** What the service needs of the gateway; the HTTP routes are built from the same parts. */
  public record Parts(
      GatewaySecurity security,
      RegistryClient registry,
      ReplicaDirectory directory,
      InferenceDispatcher dispatcher,
      HealthCheck health,
      Observers observers,
      BodyAdmission admission,
      ModelStats stats,
      ModelLoader loader,
      DeploymentLimits limits,
      ShmRegistry shm) {}

  private final GrpcModelInfo info;
  private final GrpcInfer infer;
  private final GrpcStatistics statistics;
  private final GrpcRepository repository;
  private final GrpcSharedMemory sharedMemory;

  public GrpcInferenceService(Parts p) {
    GrpcAccess access = new GrpcAccess(p.security());
    this.info = new GrpcModelInfo(access, p.registry(), p.directory(), p.health());
    this.infer =
        new GrpcInfer(
            access,
            p.registry(),
            p.dispatcher(),
            p.observers(),
            p.admission(),
            new ShmTensors(p.shm()));
    this.sharedMemory = new GrpcSharedMemory(access, p.shm());
    this.statistics = new GrpcStatistics(access, p.stats());
    this.repository =
        new GrpcRepository(access, p.registry(), p.directory(), p.loader(), p.limits());
  }

  /** Puts the call's Bearer secret where the handlers read it. */
  public static ServerInterceptor credentials() {
    return GrpcAccess.credentials();
  }

  @Override
  public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> out) {
    info.serverLive(request, out);
  }

  @Override
  public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> out) {
    info.serverReady(request, out);
  }

  @Override
  public void serverMetadata(
      ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> out) {
    info.serverMetadata(request, out);
  }

  @Override
  public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> out) {
    info.modelReady(request, out);
  }

  @Override
  public void modelMetadata(
      ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> out) {
    info.modelMetadata(request, out);
  }

  @Override
  public void modelConfig(ModelConfigRequest request, StreamObserver<ModelConfigResponse> out) {
    info.modelConfig(request, out);
  }

  @Override
  public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> out) {
    infer.modelInfer(request, out);
  }

  @Override
  public void modelStatistics(
      ModelStatisticsRequest request, StreamObserver<ModelStatisticsResponse> out) {
    statistics.modelStatistics(request, out);
  }

  @Override
  public void repositoryIndex(
      RepositoryIndexRequest request, StreamObserver<RepositoryIndexResponse> out) {
    repository.index(request, out);
  }

  @Override
  public void repositoryModelLoad(
      RepositoryModelLoadRequest request, StreamObserver<RepositoryModelLoadResponse> out) {
    repository.load(request, out);
  }

  @Override
  public void repositoryModelUnload(
      RepositoryModelUnloadRequest request, StreamObserver<RepositoryModelUnloadResponse> out) {
    repository.unload(request, out);
  }

  @Override
  public void systemSharedMemoryStatus(
      SystemSharedMemoryStatusRequest request,
      StreamObserver<SystemSharedMemoryStatusResponse> out) {
    sharedMemory.status(request, out);
  }

  @Override
  public void systemSharedMemoryRegister(
      SystemSharedMemoryRegisterRequest request,
      StreamObserver<SystemSharedMemoryRegisterResponse> out) {
    sharedMemory.register(request, out);
  }

  @Override
  public void systemSharedMemoryUnregister(
      SystemSharedMemoryUnregisterRequest request,
      StreamObserver<SystemSharedMemoryUnregisterResponse> out) {
    sharedMemory.unregister(request, out);
  }

  @Override
  public void cudaSharedMemoryStatus(
      CudaSharedMemoryStatusRequest request, StreamObserver<CudaSharedMemoryStatusResponse> out) {
    sharedMemory.cudaStatus(request, out);
  }

  @Override
  public void cudaSharedMemoryRegister(
      CudaSharedMemoryRegisterRequest request,
      StreamObserver<CudaSharedMemoryRegisterResponse> out) {
    sharedMemory.cudaRegister(request, out);
  }

  @Override
  public void cudaSharedMemoryUnregister(
      CudaSharedMemoryUnregisterRequest request,
      StreamObserver<CudaSharedMemoryUnregisterResponse> out) {
    sharedMemory.cudaUnregister(request, out);
  }
}
