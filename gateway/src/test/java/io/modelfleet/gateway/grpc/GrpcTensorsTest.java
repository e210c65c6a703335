package io.modelfleet.gateway.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.grpc.proto.InferTensorContents;
import io.modelfleet.gateway.grpc.proto.ModelInferRequest;
import io.modelfleet.gateway.grpc.proto.ModelInferResponse;
import io.modelfleet.protocol.replica.InferReply;
import io.modelfleet.protocol.replica.InferRequest;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class GrpcTensorsTest {

  private static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Typed contents become the expected raw bytes, and the same bytes give the contents back. */
  private static void roundTrip(DataType type, InferTensorContents contents, byte[] raw) {
    assertArrayEquals(raw, GrpcTensors.fromContents("in", type, contents), type.name());
    Tensor t = new Tensor("out", type, new long[] {raw.length == 0 ? 0 : 1}, raw);
    assertEquals(contents, GrpcTensors.toContents(t), type.name());
  }

  @Test
  void bool() {
    roundTrip(
        DataType.BOOL,
        InferTensorContents.newBuilder().addBoolContents(true).addBoolContents(false).build(),
        new byte[] {1, 0});
  }

  @Test
  void signedIntegers() {
    roundTrip(
        DataType.INT8,
        InferTensorContents.newBuilder().addIntContents(-128).addIntContents(127).build(),
        new byte[] {(byte) 0x80, 0x7f});
    roundTrip(
        DataType.INT16,
        InferTensorContents.newBuilder().addIntContents(-2).build(),
        le(2).putShort((short) -2).array());
    roundTrip(
        DataType.INT32,
        InferTensorContents.newBuilder().addIntContents(-7).addIntContents(1 << 30).build(),
        le(8).putInt(-7).putInt(1 << 30).array());
    roundTrip(
        DataType.INT64,
        InferTensorContents.newBuilder().addInt64Contents(Long.MIN_VALUE).build(),
        le(8).putLong(Long.MIN_VALUE).array());
  }

  @Test
  void unsignedIntegers() {
    roundTrip(
        DataType.UINT8,
        InferTensorContents.newBuilder().addUintContents(255).build(),
        new byte[] {(byte) 0xff});
    roundTrip(
        DataType.UINT16,
        InferTensorContents.newBuilder().addUintContents(65535).build(),
        le(2).putShort((short) -1).array());
    roundTrip(
        DataType.UINT32,
        InferTensorContents.newBuilder().addUintContents(-1).build(),
        le(4).putInt(-1).array());
    roundTrip(
        DataType.UINT64,
        InferTensorContents.newBuilder().addUint64Contents(-1L).build(),
        le(8).putLong(-1L).array());
  }

  @Test
  void floats() {
    roundTrip(
        DataType.FP32,
        InferTensorContents.newBuilder().addFp32Contents(1.5f).addFp32Contents(-0.25f).build(),
        le(8).putFloat(1.5f).putFloat(-0.25f).array());
    roundTrip(
        DataType.FP64,
        InferTensorContents.newBuilder().addFp64Contents(Math.PI).build(),
        le(8).putDouble(Math.PI).array());
  }

  @Test
  void bytesAreLengthPrefixed() {
    byte[] ab = "ab".getBytes(StandardCharsets.UTF_8);
    roundTrip(
        DataType.BYTES,
        InferTensorContents.newBuilder()
            .addBytesContents(ByteString.copyFrom(ab))
            .addBytesContents(ByteString.EMPTY)
            .build(),
        le(10).putInt(2).put(ab).putInt(0).array());
  }

  @Test
  void outOfRangeAndHalfPrecisionTypedContentsAreRefused() {
    ApiException range =
        assertThrows(
            ApiException.class,
            () ->
                GrpcTensors.fromContents(
                    "in",
                    DataType.INT8,
                    InferTensorContents.newBuilder().addIntContents(128).build()));
    assertEquals(400, range.status());
    ApiException fp16 =
        assertThrows(
            ApiException.class,
            () ->
                GrpcTensors.fromContents(
                    "in", DataType.FP16, InferTensorContents.getDefaultInstance()));
    assertEquals(400, fp16.status());
  }

  @Test
  void rawInputsPassThroughAndRawOutputsAnswerThem() {
    byte[] data = le(8).putFloat(1).putFloat(2).array();
    InferRequest request =
        GrpcTensors.request(
            ModelInferRequest.newBuilder()
                .setId("r1")
                .addInputs(
                    ModelInferRequest.InferInputTensor.newBuilder()
                        .setName("x")
                        .setDatatype("FP32")
                        .addShape(1)
                        .addShape(2))
                .addRawInputContents(ByteString.copyFrom(data))
                .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("y"))
                .build());
    assertEquals("r1", request.id());
    assertEquals(List.of("y"), request.outputs());
    assertEquals(new Tensor("x", DataType.FP32, new long[] {1, 2}, data), request.inputs().get(0));

    ModelInferResponse raw =
        GrpcTensors.response(
            new InferReply.InferResult(
                "m", "1", "r1", List.of(new Tensor("y", DataType.FP32, new long[] {1, 2}, data))),
            true);
    assertEquals(ByteString.copyFrom(data), raw.getRawOutputContents(0));
    assertEquals(List.of(1L, 2L), raw.getOutputs(0).getShapeList());
  }

  @Test
  void rawContentsMustMatchTheInputs() {
    ApiException e =
        assertThrows(
            ApiException.class,
            () ->
                GrpcTensors.request(
                    ModelInferRequest.newBuilder()
                        .addInputs(
                            ModelInferRequest.InferInputTensor.newBuilder()
                                .setName("x")
                                .setDatatype("FP32"))
                        .addInputs(
                            ModelInferRequest.InferInputTensor.newBuilder()
                                .setName("z")
                                .setDatatype("FP32"))
                        .addRawInputContents(ByteString.EMPTY)
                        .build()));
    assertEquals(400, e.status());
  }

  @Test
  void unknownDatatypeIsTheClientsError() {
    ApiException e =
        assertThrows(
            ApiException.class,
            () ->
                GrpcTensors.request(
                    ModelInferRequest.newBuilder()
                        .addInputs(
                            ModelInferRequest.InferInputTensor.newBuilder()
                                .setName("x")
                                .setDatatype("FP128"))
                        .build()));
    assertEquals(400, e.status());
  }
}
