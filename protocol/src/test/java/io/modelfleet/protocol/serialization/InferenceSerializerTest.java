package io.modelfleet.protocol.serialization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.modelfleet.protocol.model.ReplicaPlacement;
import io.modelfleet.protocol.replica.InferReply;
import io.modelfleet.protocol.replica.InferRequest;
import io.modelfleet.protocol.replica.ReplicaCommand;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Tensor;
import io.modelfleet.protocol.tensor.Tensors;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class InferenceSerializerTest {
  private static final ActorTestKit kit = ActorTestKit.create();
  private static final Serialization serialization =
      SerializationExtension.get(Adapter.toClassic(kit.system()));

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static Object roundTrip(Object o) {
    var serializer = serialization.findSerializerFor(o);
    assertInstanceOf(
        InferenceSerializer.class, serializer, "the binary serializer is bound, not Jackson");
    byte[] bytes = serializer.toBinary(o);
    return serialization
        .deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, o))
        .get();
  }

  @Test
  void inferRoundTripsWithItsReplyRefAndRawTensorBytes() {
    TestProbe<InferReply> probe = kit.createTestProbe();
    Tensor x = Tensors.ofFloats("x", new long[] {2, 2}, 1f, -2f, 3.5f, 0f);
    Tensor s = Tensors.ofStrings("s", new long[] {2}, "héllo", "");
    Tensor h = new Tensor("h", DataType.FP16, new long[] {1}, new byte[] {0x00, 0x3C});
    var msg =
        new ReplicaCommand.Infer(
            new InferRequest("req-1", List.of(x, s, h), List.of("y"), 3, 1500), probe.getRef());
    var back = (ReplicaCommand.Infer) roundTrip(msg);
    assertEquals(msg.request(), back.request());
    assertEquals(List.of(x, s, h), back.request().inputs());
    assertArrayEquals(x.data(), back.request().inputs().get(0).data());
    String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    var traced =
        new ReplicaCommand.Infer(msg.request().withTraceparent(traceparent), probe.getRef());
    assertEquals(traceparent, ((ReplicaCommand.Infer) roundTrip(traced)).request().traceparent());
    back.replyTo().tell(new InferReply.InferFailure(503, "ping"));
    assertEquals("ping", ((InferReply.InferFailure) probe.receiveMessage()).error());
  }

  @Test
  void startsCarryTheirPlacementThroughJackson() {
    var start =
        new ReplicaCommand.EnsureStarted(
            new ReplicaPlacement("m/1/0/2", "pekko://modelfleet@10.0.0.2:25520", "gpu:1"));
    var serializer = serialization.findSerializerFor(start);
    byte[] bytes = serializer.toBinary(start);
    assertEquals(
        start,
        serialization
            .deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, start))
            .get());
    var bare = new ReplicaCommand.EnsureStarted(null);
    byte[] bareBytes = serialization.findSerializerFor(bare).toBinary(bare);
    assertEquals(
        bare,
        serialization
            .deserialize(
                bareBytes, serializer.identifier(), Serializers.manifestFor(serializer, bare))
            .get());
  }

  @Test
  void repliesRoundTrip() {
    var ok =
        new InferReply.InferResult(
            "m", "1", null, List.of(Tensors.ofLongs("y", new long[] {3}, 1L, Long.MIN_VALUE, 7L)));
    assertEquals(ok, roundTrip(ok));
    var charged = new InferReply.InferResult("m", "1", "r", ok.outputs(), 123_456_789L, "gpu:0");
    assertEquals(charged, roundTrip(charged));
    var fail = new InferReply.InferFailure(400, "input 'x' has shape [1]");
    assertEquals(fail, roundTrip(fail));
    var leaving = InferReply.InferFailure.leaving("replica m/1/0 is stopping");
    assertEquals(leaving, roundTrip(leaving));
    assertEquals(true, ((InferReply.InferFailure) roundTrip(leaving)).replicaLeaving());
  }
}
