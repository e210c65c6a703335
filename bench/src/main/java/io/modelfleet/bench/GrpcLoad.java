package io.modelfleet.bench;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.modelfleet.gateway.grpc.proto.GRPCInferenceServiceGrpc;
import io.modelfleet.gateway.grpc.proto.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import io.modelfleet.gateway.grpc.proto.ModelInferRequest;
import io.modelfleet.gateway.grpc.proto.ModelInferResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Closed-loop load over the Open Inference Protocol's gRPC service ({@code
 * inference.GRPCInferenceService/ModelInfer}), the gRPC counterpart of {@link HttpLoad}: each
 * client thread owns one channel (one HTTP/2 connection, as each HTTP client owns one keep-alive
 * connection) and makes one blocking call after another with a request built once, inputs in {@code
 * raw_input_contents} (what tritonclient.grpc sends). The key goes in the {@code authorization}
 * metadata of every call. Any status but OK counts as an error.
 */
public final class GrpcLoad {

  /** Far above any latency here; a call slower than this is a hung server. */
  private static final long DEADLINE_S = 60;

  private static final int MAX_MESSAGE_BYTES = 256 << 20;

  private final int port;
  private final CpuMonitor cpu;
  private final boolean sharedChannel;

  /**
   * {@code sharedChannel}: all client threads call through one channel (one HTTP/2 connection,
   * calls multiplexed) instead of one channel each.
   */
  public GrpcLoad(int port, CpuMonitor cpu, boolean sharedChannel) {
    this.port = port;
    this.cpu = cpu;
    this.sharedChannel = sharedChannel;
  }

  /** One ModelInfer request for {@code model} version 1, every input as raw little-endian bytes. */
  public static ModelInferRequest request(String model, List<InputTensor> inputs) {
    ModelInferRequest.Builder b =
        ModelInferRequest.newBuilder().setModelName(model).setModelVersion(NodeApi.VERSION);
    for (InputTensor t : inputs) {
      b.addInputs(
          ModelInferRequest.InferInputTensor.newBuilder()
              .setName(t.name())
              .setDatatype(t.datatype())
              .addAllShape(Arrays.stream(t.shape()).boxed().toList()));
      b.addRawInputContents(ByteString.copyFrom(t.data()));
    }
    return b.build();
  }

  public Measurement measure(
      int clients, ModelInferRequest request, Duration warmUp, Duration window)
      throws InterruptedException {
    ManagedChannel shared = sharedChannel ? channel() : null;
    try {
      return LoadRunner.run(
          clients,
          1,
          thread -> {
            ManagedChannel channel = shared != null ? shared : channel();
            GRPCInferenceServiceBlockingStub stub = stub(channel);
            return new LoadRunner.Op() {
              @Override
              public void call() {
                stub.withDeadlineAfter(DEADLINE_S, TimeUnit.SECONDS).modelInfer(request);
              }

              @Override
              public void close() {
                if (channel != shared) {
                  shutdown(channel);
                }
              }
            };
          },
          warmUp,
          window,
          cpu);
    } finally {
      if (shared != null) {
        shutdown(shared);
      }
    }
  }

  /**
   * One call on a fresh channel, its answer checked against the raw session's outputs; null when
   * right, else what is wrong. A model is only measured over gRPC after it passes.
   */
  public String check(ModelInferRequest request, Map<String, RawOrt.Reference> expected) {
    ManagedChannel channel = channel();
    try {
      ModelInferResponse r =
          stub(channel).withDeadlineAfter(DEADLINE_S, TimeUnit.SECONDS).modelInfer(request);
      if (r.getRawOutputContentsCount() != r.getOutputsCount()) {
        return "the answer has "
            + r.getOutputsCount()
            + " outputs but "
            + r.getRawOutputContentsCount()
            + " raw_output_contents";
      }
      for (Map.Entry<String, RawOrt.Reference> e : expected.entrySet()) {
        String problem = output(r, e.getKey(), e.getValue());
        if (problem != null) {
          return problem;
        }
      }
      return null;
    } catch (StatusRuntimeException e) {
      return "gRPC " + e.getStatus().getCode() + ": " + e.getStatus().getDescription();
    } finally {
      shutdown(channel);
    }
  }

  private static String output(ModelInferResponse r, String name, RawOrt.Reference ref) {
    for (int i = 0; i < r.getOutputsCount(); i++) {
      ModelInferResponse.InferOutputTensor out = r.getOutputs(i);
      if (!out.getName().equals(name)) {
        continue;
      }
      long[] shape = out.getShapeList().stream().mapToLong(Long::longValue).toArray();
      if (!Arrays.equals(shape, ref.shape())) {
        return "output '"
            + name
            + "' has shape "
            + Arrays.toString(shape)
            + ", raw ONNX Runtime gives "
            + Arrays.toString(ref.shape());
      }
      ByteString raw = r.getRawOutputContents(i);
      if (raw.size() != ref.values().length * 4L) {
        return "output '"
            + name
            + "' has "
            + raw.size()
            + " bytes, expected "
            + ref.values().length * 4L;
      }
      ByteBuffer le = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      return ResponseCheck.compare(name, ResponseCheck.decode(le, 0, ref), ref.values());
    }
    return "the answer has no output '" + name + "'";
  }

  private ManagedChannel channel() {
    return ManagedChannelBuilder.forAddress(ServedNode.HOST, port)
        .usePlaintext()
        .maxInboundMessageSize(MAX_MESSAGE_BYTES)
        .build();
  }

  private static GRPCInferenceServiceBlockingStub stub(ManagedChannel channel) {
    Metadata key = new Metadata();
    key.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), BenchKey.bearer());
    return GRPCInferenceServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(key));
  }

  private static void shutdown(ManagedChannel channel) {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
