package io.modelfleet.gateway.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.grpc.proto.InferTensorContents;
import io.modelfleet.gateway.grpc.proto.ModelInferRequest;
import io.modelfleet.gateway.grpc.proto.ModelInferResponse;
import io.modelfleet.gateway.oip.tensor.MemoryReservation;
import io.modelfleet.gateway.shm.ShmRef;
import io.modelfleet.gateway.shm.ShmTensors;
import io.modelfleet.protocol.replica.InferReply;
import io.modelfleet.protocol.replica.InferRequest;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Converts between the gRPC messages of the Open Inference Protocol and the protocol's {@link
 * Tensor}s, which hold raw little-endian bytes (BYTES as 4-byte little-endian length-prefixed
 * elements, as Triton's {@code raw_input_contents} does). Only the encoding is checked here;
 * shapes, element counts and value ranges are checked by the replica, as for HTTP.
 */
public final class GrpcTensors {

  private GrpcTensors() {}

  /** The protocol request of a gRPC inference; {@link ApiException} 400 when it cannot be read. */
  public static InferRequest request(ModelInferRequest request) {
    return request(request, MemoryReservation.NONE);
  }

  /**
   * As {@link #request(ModelInferRequest)}, announcing each input's decoded bytes to {@code budget}
   * before they are allocated; the request's {@code parameters} give its priority and queue timeout
   * ({@link GrpcInferParameters}).
   */
  public static InferRequest request(ModelInferRequest request, MemoryReservation budget) {
    return request(request, budget, ShmTensors.NONE);
  }

  /**
   * As {@link #request(ModelInferRequest, MemoryReservation)}; inputs whose parameters name a
   * shared memory region are read from it ({@code shm}), and take no {@code raw_input_contents}
   * entry (tritonclient sends one per other input, in order).
   */
  public static InferRequest request(
      ModelInferRequest request, MemoryReservation budget, ShmTensors shm) {
    GrpcInferParameters parameters = GrpcInferParameters.read(request.getParametersMap());
    int raw = request.getRawInputContentsCount();
    ShmRef[] places = shmInputs(request);
    int inBody = request.getInputsCount() - (places == null ? 0 : places.length - nulls(places));
    if (raw > 0 && raw != inBody) {
      throw ApiException.badRequest(
          "raw_input_contents holds "
              + raw
              + " entries but the request has "
              + inBody
              + " inputs outside shared memory: give one per such input, in the order of"
              + " 'inputs'");
    }
    List<Tensor> inputs = new ArrayList<>(request.getInputsCount());
    int next = 0;
    for (int i = 0; i < request.getInputsCount(); i++) {
      ModelInferRequest.InferInputTensor in = request.getInputs(i);
      DataType type = DataType.parse(in.getDatatype());
      if (type == null) {
        throw ApiException.badRequest(
            "input '" + in.getName() + "': unknown datatype '" + in.getDatatype() + "'");
      }
      long[] shape = in.getShapeList().stream().mapToLong(Long::longValue).toArray();
      byte[] data;
      if (places != null && places[i] != null) {
        if (in.hasContents()) {
          throw ApiException.badRequest(
              "input '"
                  + in.getName()
                  + "': contents must not be given with '"
                  + ShmRef.REGION
                  + "'");
        }
        inputs.add(shm.input(in.getName(), type, shape, places[i], budget));
        continue;
      } else if (raw > 0) {
        if (in.hasContents()) {
          throw ApiException.badRequest(
              "input '"
                  + in.getName()
                  + "': contents must not be given when raw_input_contents is used");
        }
        ByteString bytes = request.getRawInputContents(next++);
        budget.reserve("input '" + in.getName() + "'", bytes.size());
        data = bytes.toByteArray();
      } else {
        budget.reserve("input '" + in.getName() + "'", contentsBytes(type, in.getContents()));
        data = fromContents(in.getName(), type, in.getContents());
      }
      inputs.add(new Tensor(in.getName(), type, shape, data));
    }
    List<String> outputs =
        request.getOutputsList().stream()
            .map(ModelInferRequest.InferRequestedOutputTensor::getName)
            .toList();
    return new InferRequest(
        request.getId(), inputs, outputs, parameters.priority(), parameters.timeoutMicros());
  }

  /** Each input's shared memory place (null for one in the message), or null when none has one. */
  private static ShmRef[] shmInputs(ModelInferRequest request) {
    ShmRef[] places = null;
    for (int i = 0; i < request.getInputsCount(); i++) {
      ModelInferRequest.InferInputTensor in = request.getInputs(i);
      if (in.getParametersCount() == 0) {
        continue;
      }
      ShmRef ref = GrpcShmParameters.ref("input '" + in.getName() + "'", in.getParametersMap());
      if (ref != null) {
        if (places == null) {
          places = new ShmRef[request.getInputsCount()];
        }
        places[i] = ref;
      }
    }
    return places;
  }

  private static int nulls(ShmRef[] places) {
    int n = 0;
    for (ShmRef p : places) {
      n += p == null ? 1 : 0;
    }
    return n;
  }

  /** The raw size of typed {@code contents} of {@code type}, before they are converted. */
  static long contentsBytes(DataType type, InferTensorContents c) {
    return switch (type) {
      case BOOL -> c.getBoolContentsCount();
      case INT8, INT16, INT32 -> (long) c.getIntContentsCount() * type.byteSize();
      case UINT8, UINT16, UINT32 -> (long) c.getUintContentsCount() * type.byteSize();
      case INT64 -> c.getInt64ContentsCount() * 8L;
      case UINT64 -> c.getUint64ContentsCount() * 8L;
      case FP32 -> c.getFp32ContentsCount() * 4L;
      case FP64 -> c.getFp64ContentsCount() * 8L;
      case BYTES -> {
        long size = 0;
        for (ByteString e : c.getBytesContentsList()) {
          size += 4 + e.size();
        }
        yield size;
      }
      default -> 0;
    };
  }

  /**
   * The gRPC answer of a result: raw little-endian {@code raw_output_contents} when {@code raw}
   * (the request used raw inputs, as tritonclient expects), else typed {@code contents}.
   */
  public static ModelInferResponse response(InferReply.InferResult result, boolean raw) {
    return response(result, raw, Map.of());
  }

  /**
   * As {@link #response(InferReply.InferResult, boolean)}; the outputs in {@code shm} were written
   * into their regions and are described without data, with their shared memory parameters (and an
   * empty {@code raw_output_contents} entry, so that the entries stay aligned with the outputs).
   */
  public static ModelInferResponse response(
      InferReply.InferResult result, boolean raw, Map<String, ShmRef> shm) {
    ModelInferResponse.Builder b =
        ModelInferResponse.newBuilder()
            .setModelName(result.model())
            .setModelVersion(result.version() == null ? "" : result.version())
            .setId(result.id() == null ? "" : result.id());
    for (Tensor t : result.outputs()) {
      ModelInferResponse.InferOutputTensor.Builder out =
          ModelInferResponse.InferOutputTensor.newBuilder()
              .setName(t.name())
              .setDatatype(t.datatype().name());
      for (long d : t.shape()) {
        out.addShape(d);
      }
      ShmRef place = shm.isEmpty() ? null : shm.get(t.name());
      if (place != null) {
        GrpcShmParameters.describe(out, place, t.data().length);
        if (raw) {
          b.addRawOutputContents(ByteString.EMPTY);
        }
      } else if (raw) {
        // The reply's arrays are never written again: wrap, do not copy.
        b.addRawOutputContents(UnsafeByteOperations.unsafeWrap(t.data()));
      } else {
        out.setContents(toContents(t));
      }
      b.addOutputs(out);
    }
    return b.build();
  }

  /** The raw bytes of typed {@code contents} of an input of {@code type}. */
  static byte[] fromContents(String name, DataType type, InferTensorContents c) {
    switch (type) {
      case BOOL -> {
        byte[] out = new byte[c.getBoolContentsCount()];
        for (int i = 0; i < out.length; i++) {
          out[i] = (byte) (c.getBoolContents(i) ? 1 : 0);
        }
        return out;
      }
      case INT8, INT16, INT32 -> {
        ByteBuffer buf = buffer(c.getIntContentsCount() * type.byteSize());
        for (int v : c.getIntContentsList()) {
          putNarrow(name, buf, type, v);
        }
        return buf.array();
      }
      case UINT8, UINT16, UINT32 -> {
        ByteBuffer buf = buffer(c.getUintContentsCount() * type.byteSize());
        for (int v : c.getUintContentsList()) {
          putNarrow(name, buf, type, Integer.toUnsignedLong(v));
        }
        return buf.array();
      }
      case INT64 -> {
        ByteBuffer buf = buffer(c.getInt64ContentsCount() * 8);
        c.getInt64ContentsList().forEach(buf::putLong);
        return buf.array();
      }
      case UINT64 -> {
        ByteBuffer buf = buffer(c.getUint64ContentsCount() * 8);
        c.getUint64ContentsList().forEach(buf::putLong);
        return buf.array();
      }
      case FP32 -> {
        ByteBuffer buf = buffer(c.getFp32ContentsCount() * 4);
        c.getFp32ContentsList().forEach(buf::putFloat);
        return buf.array();
      }
      case FP64 -> {
        ByteBuffer buf = buffer(c.getFp64ContentsCount() * 8);
        c.getFp64ContentsList().forEach(buf::putDouble);
        return buf.array();
      }
      case BYTES -> {
        long size = 0;
        for (ByteString e : c.getBytesContentsList()) {
          size += 4 + e.size();
        }
        ByteBuffer buf = buffer(Math.toIntExact(size));
        for (ByteString e : c.getBytesContentsList()) {
          buf.putInt(e.size());
          buf.put(e.toByteArray());
        }
        return buf.array();
      }
      default ->
          throw ApiException.badRequest(
              "input '"
                  + name
                  + "': "
                  + type
                  + " has no typed contents field; send it in raw_input_contents");
    }
  }

  /** The typed {@code contents} of an output tensor (FP16 and BF16 as FP32 is not done: raw). */
  static InferTensorContents toContents(Tensor t) {
    InferTensorContents.Builder c = InferTensorContents.newBuilder();
    ByteBuffer buf = ByteBuffer.wrap(t.data()).order(ByteOrder.LITTLE_ENDIAN);
    switch (t.datatype()) {
      case BOOL -> {
        while (buf.hasRemaining()) {
          c.addBoolContents(buf.get() != 0);
        }
      }
      case INT8 -> {
        while (buf.hasRemaining()) {
          c.addIntContents(buf.get());
        }
      }
      case INT16 -> {
        while (buf.hasRemaining()) {
          c.addIntContents(buf.getShort());
        }
      }
      case INT32 -> {
        while (buf.hasRemaining()) {
          c.addIntContents(buf.getInt());
        }
      }
      case UINT8 -> {
        while (buf.hasRemaining()) {
          c.addUintContents(buf.get() & 0xff);
        }
      }
      case UINT16 -> {
        while (buf.hasRemaining()) {
          c.addUintContents(buf.getShort() & 0xffff);
        }
      }
      case UINT32 -> {
        while (buf.hasRemaining()) {
          c.addUintContents(buf.getInt());
        }
      }
      case INT64 -> {
        while (buf.hasRemaining()) {
          c.addInt64Contents(buf.getLong());
        }
      }
      case UINT64 -> {
        while (buf.hasRemaining()) {
          c.addUint64Contents(buf.getLong());
        }
      }
      case FP32 -> {
        while (buf.hasRemaining()) {
          c.addFp32Contents(buf.getFloat());
        }
      }
      case FP64 -> {
        while (buf.hasRemaining()) {
          c.addFp64Contents(buf.getDouble());
        }
      }
      case BYTES -> {
        while (buf.hasRemaining()) {
          int len = buf.getInt();
          c.addBytesContents(ByteString.copyFrom(buf.array(), buf.position(), len));
          buf.position(buf.position() + len);
        }
      }
      default ->
          throw new ApiException(
              400,
              "output '"
                  + t.name()
                  + "': "
                  + t.datatype()
                  + " has no typed contents field; send the inputs in raw_input_contents to"
                  + " receive raw outputs");
    }
    return c.build();
  }

  /** Puts {@code v} in {@code type}'s width; a value outside its range is the client's error. */
  private static void putNarrow(String name, ByteBuffer buf, DataType type, long v) {
    if (v < type.minValue() || v > type.maxValue()) {
      throw ApiException.badRequest(
          "input '" + name + "': " + v + " is outside " + type + "'s range " + type.rangeText());
    }
    switch (type.byteSize()) {
      case 1 -> buf.put((byte) v);
      case 2 -> buf.putShort((short) v);
      default -> buf.putInt((int) v);
    }
  }

  private static ByteBuffer buffer(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }
}
