package io.modelfleet.node.ort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.modelfleet.node.testing.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExternalDataScanTest {
  private static final float[][] W = {{1f, 2f}, {3f, 4f}, {5f, 6f}};
  private static final float[] B = {0.5f, -0.5f};

  @TempDir Path dir;

  private Path write(byte[] bytes) throws Exception {
    Path p = Files.createTempFile(dir, "model", ".onnx");
    Files.write(p, bytes);
    return p;
  }

  private static TensorProto external(TensorProto t, String location) {
    return t.toBuilder()
        .clearRawData()
        .clearFloatData()
        .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location))
        .setDataLocation(TensorProto.DataLocation.EXTERNAL)
        .build();
  }

  @Test
  void aSelfContainedModelHasNoExternalData() throws Exception {
    assertTrue(ExternalDataScan.scan(write(TestModels.linear(W, B))).isEmpty());
  }

  @Test
  void anInitializerWithExternalDataIsFound() throws Exception {
    ModelProto m = ModelProto.parseFrom(TestModels.linear(W, B));
    TensorProto w = m.getGraph().getInitializer(0);
    byte[] bytes =
        m.toBuilder()
            .setGraph(m.getGraph().toBuilder().setInitializer(0, external(w, "../sha256/abc")))
            .build()
            .toByteArray();
    var found = ExternalDataScan.scan(write(bytes)).orElseThrow();
    assertEquals(w.getName(), found.tensor());
    assertEquals("../sha256/abc", found.location());
  }

  @Test
  void onlyTheDataLocationFlagIsEnough() throws Exception {
    ModelProto m = ModelProto.parseFrom(TestModels.linear(W, B));
    TensorProto flagged =
        m.getGraph().getInitializer(1).toBuilder()
            .setDataLocation(TensorProto.DataLocation.EXTERNAL)
            .build();
    byte[] bytes =
        m.toBuilder()
            .setGraph(m.getGraph().toBuilder().setInitializer(1, flagged))
            .build()
            .toByteArray();
    assertTrue(ExternalDataScan.scan(write(bytes)).isPresent());
  }

  @Test
  void aTensorInsideASubgraphAttributeIsFound() throws Exception {
    ModelProto m = ModelProto.parseFrom(TestModels.linear(W, B));
    TensorProto hidden = external(m.getGraph().getInitializer(0), "other");
    GraphProto body =
        GraphProto.newBuilder()
            .setName("then")
            .addNode(
                NodeProto.newBuilder()
                    .setOpType("Constant")
                    .addOutput("c")
                    .addAttribute(
                        AttributeProto.newBuilder()
                            .setName("value")
                            .setType(AttributeProto.AttributeType.TENSOR)
                            .setT(hidden)))
            .build();
    NodeProto ifNode =
        NodeProto.newBuilder()
            .setOpType("If")
            .addInput("cond")
            .addOutput("out")
            .addAttribute(
                AttributeProto.newBuilder()
                    .setName("then_branch")
                    .setType(AttributeProto.AttributeType.GRAPH)
                    .setG(body))
            .build();
    byte[] bytes =
        m.toBuilder().setGraph(m.getGraph().toBuilder().addNode(ifNode)).build().toByteArray();
    assertEquals("other", ExternalDataScan.scan(write(bytes)).orElseThrow().location());
  }

  @Test
  void bytesThatAreNotProtobufAreMalformed() throws Exception {
    assertThrows(
        ExternalDataScan.MalformedException.class,
        () -> ExternalDataScan.scan(write("not a model".getBytes())));
    assertThrows(
        IOException.class, () -> ExternalDataScan.scan(write(new byte[] {0x0a, 0x7f, 0x01})));
  }
}
