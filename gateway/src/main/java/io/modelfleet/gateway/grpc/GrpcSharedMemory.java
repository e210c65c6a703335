package io.modelfleet.gateway.grpc;

import static io.modelfleet.gateway.grpc.GrpcAccess.done;
import static io.modelfleet.gateway.grpc.GrpcAccess.emptyToNull;

import io.grpc.stub.StreamObserver;
import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.grpc.proto.CudaSharedMemoryRegisterRequest;
import io.modelfleet.gateway.grpc.proto.CudaSharedMemoryRegisterResponse;
import io.modelfleet.gateway.grpc.proto.CudaSharedMemoryStatusRequest;
import io.modelfleet.gateway.grpc.proto.CudaSharedMemoryStatusResponse;
import io.modelfleet.gateway.grpc.proto.CudaSharedMemoryUnregisterRequest;
import io.modelfleet.gateway.grpc.proto.CudaSharedMemoryUnregisterResponse;
import io.modelfleet.gateway.grpc.proto.SystemSharedMemoryRegisterRequest;
import io.modelfleet.gateway.grpc.proto.SystemSharedMemoryRegisterResponse;
import io.modelfleet.gateway.grpc.proto.SystemSharedMemoryStatusRequest;
import io.modelfleet.gateway.grpc.proto.SystemSharedMemoryStatusResponse;
import io.modelfleet.gateway.grpc.proto.SystemSharedMemoryUnregisterRequest;
import io.modelfleet.gateway.grpc.proto.SystemSharedMemoryUnregisterResponse;
import io.modelfleet.gateway.shm.ShmRegion;
import io.modelfleet.gateway.shm.ShmRegistry;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Triton's shared memory calls over gRPC, on the same {@link ShmRegistry} as {@code
 * /v2/systemsharedmemory} and with each HTTP route's access decision (MANAGE_CLUSTER to register
 * and unregister, READ_CLUSTER for the status). The CUDA calls answer as HTTP does: no regions, and
 * registering refused (INVALID_ARGUMENT).
 */
final class GrpcSharedMemory {

  static final String NO_CUDA =
      "CUDA shared memory is not supported: ModelFleet's gateway reads and writes tensors in host"
          + " memory; use system shared memory";

  private static final SystemSharedMemoryRegisterResponse REGISTERED =
      SystemSharedMemoryRegisterResponse.getDefaultInstance();
  private static final SystemSharedMemoryUnregisterResponse UNREGISTERED =
      SystemSharedMemoryUnregisterResponse.getDefaultInstance();

  private final GrpcAccess access;
  private final ShmRegistry registry;

  GrpcSharedMemory(GrpcAccess access, ShmRegistry registry) {
    this.access = access;
    this.registry = registry;
  }

  void status(
      SystemSharedMemoryStatusRequest request,
      StreamObserver<SystemSharedMemoryStatusResponse> out) {
    String name = emptyToNull(request.getName());
    access.answer(
        "GET",
        path("systemsharedmemory", name, "status"),
        out,
        who -> {
          SystemSharedMemoryStatusResponse.Builder b =
              SystemSharedMemoryStatusResponse.newBuilder();
          for (ShmRegion r : registry.status(name)) {
            b.putRegions(
                r.name(),
                SystemSharedMemoryStatusResponse.RegionStatus.newBuilder()
                    .setName(r.name())
                    .setKey(r.key())
                    .setOffset(r.offset())
                    .setByteSize(r.byteSize())
                    .build());
          }
          return done(b.build());
        });
  }

  void register(
      SystemSharedMemoryRegisterRequest request,
      StreamObserver<SystemSharedMemoryRegisterResponse> out) {
    String name = request.getName();
    access.answer(
        "POST",
        // An empty name is refused by the registry, after the access decision.
        path("systemsharedmemory", name.isEmpty() ? "-" : name, "register"),
        out,
        who -> {
          if (request.getOffset() < 0 || request.getByteSize() < 0) {
            throw ApiException.badRequest("'offset' and 'byte_size' must be below 2^63");
          }
          return registry
              .registerAsync(name, request.getKey(), request.getOffset(), request.getByteSize())
              .thenApply(region -> REGISTERED);
        });
  }

  void unregister(
      SystemSharedMemoryUnregisterRequest request,
      StreamObserver<SystemSharedMemoryUnregisterResponse> out) {
    String name = emptyToNull(request.getName());
    access.answer(
        "POST",
        path("systemsharedmemory", name, "unregister"),
        out,
        who -> {
          registry.unregister(name);
          return done(UNREGISTERED);
        });
  }

  void cudaStatus(
      CudaSharedMemoryStatusRequest request, StreamObserver<CudaSharedMemoryStatusResponse> out) {
    String name = emptyToNull(request.getName());
    access.answer(
        "GET",
        path("cudasharedmemory", name, "status"),
        out,
        who -> done(CudaSharedMemoryStatusResponse.getDefaultInstance()));
  }

  void cudaRegister(
      CudaSharedMemoryRegisterRequest request,
      StreamObserver<CudaSharedMemoryRegisterResponse> out) {
    String name = request.getName().isEmpty() ? "-" : request.getName();
    access.answer(
        "POST",
        path("cudasharedmemory", name, "register"),
        out,
        who -> {
          throw ApiException.badRequest(NO_CUDA);
        });
  }

  void cudaUnregister(
      CudaSharedMemoryUnregisterRequest request,
      StreamObserver<CudaSharedMemoryUnregisterResponse> out) {
    String name = emptyToNull(request.getName());
    access.answer(
        "POST",
        path("cudasharedmemory", name, "unregister"),
        out,
        who -> done(CudaSharedMemoryUnregisterResponse.getDefaultInstance()));
  }

  /** The HTTP path of the call, for its access decision. */
  private static String path(String area, String name, String action) {
    String region =
        name == null
            ? ""
            : "/region/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    return "/v2/" + area + region + "/" + action;
  }
}
