package io.modelfleet.protocol.serialization;

import io.modelfleet.protocol.replica.InferReply;
import io.modelfleet.protocol.replica.InferRequest;
import io.modelfleet.protocol.replica.ReplicaCommand;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Tensor;
import java.io.NotSerializableException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * Binary serializer for the messages that carry tensors between gateway and replica nodes: {@link
 * ReplicaCommand.Infer} and the two {@link InferReply} records. Tensor bytes are copied as they are
 * (one array copy per tensor); nothing is re-encoded as numbers, which is what Jackson would do to
 * a {@code byte[]} (base64) or a float list. Little-endian, length-prefixed:
 *
 * <pre>
 * string  := int32 length (-1 for null), UTF-8 bytes
 * tensor  := string name, int8 datatype ordinal, int8 rank, int64 dims[rank], int32 n, n bytes
 * Infer   := string id, int32 priority, int64 timeoutMicros, int32 k, tensor[k],
 *            int32 m, string outputs[m], string replyTo
 * Result  := string model, string version, string id, int32 k, tensor[k]
 * Failure := int32 status, string error
 * </pre>
 */
public final class InferenceSerializer extends SerializerWithStringManifest {
  /** Unique among the serializers of the system; Pekko reserves 0 to 40. */
  public static final int IDENTIFIER = 7301;

  private static final String INFER = "I";
  private static final String RESULT = "R";
  private static final String FAILURE = "F";
  private static final DataType[] TYPES = DataType.values();

  private final ActorRefResolver resolver;

  public InferenceSerializer(ExtendedActorSystem system) {
    this.resolver = ActorRefResolver.get(Adapter.toTyped(system));
  }

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public String manifest(Object o) {
    if (o instanceof ReplicaCommand.Infer) {
      return INFER;
    }
    if (o instanceof InferReply.InferResult) {
      return RESULT;
    }
    if (o instanceof InferReply.InferFailure) {
      return FAILURE;
    }
    throw new IllegalArgumentException("InferenceSerializer cannot serialize " + o.getClass());
  }

  @Override
  public byte[] toBinary(Object o) {
    Writer w = new Writer();
    if (o instanceof ReplicaCommand.Infer m) {
      InferRequest r = m.request();
      w.string(r.id()).i32(r.priority()).i64(r.timeoutMicros()).tensors(r.inputs());
      w.i32(r.outputs().size());
      r.outputs().forEach(w::string);
      w.string(resolver.toSerializationFormat(m.replyTo()));
      w.string(r.traceparent() == null ? "" : r.traceparent());
    } else if (o instanceof InferReply.InferResult r) {
      w.string(r.model()).string(r.version()).string(r.id()).tensors(r.outputs());
      w.i64(r.computeNanos()).string(r.device() == null ? "" : r.device());
    } else if (o instanceof InferReply.InferFailure f) {
      w.i32(f.status()).string(f.error());
      // Last, so that a node of an older release reads the rest and ignores it.
      w.i32(f.replicaLeaving() ? 1 : 0);
    } else {
      throw new IllegalArgumentException("InferenceSerializer cannot serialize " + o.getClass());
    }
    return w.bytes();
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    switch (manifest) {
      case INFER -> {
        String id = string(b);
        int priority = b.getInt();
        long timeout = b.getLong();
        List<Tensor> inputs = tensors(b);
        int m = b.getInt();
        List<String> outputs = new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
          outputs.add(string(b));
        }
        ActorRef<InferReply> replyTo = resolver.resolveActorRef(string(b));
        String traceparent = string(b);
        return new ReplicaCommand.Infer(
            new InferRequest(
                id,
                inputs,
                List.copyOf(outputs),
                priority,
                timeout,
                traceparent.isEmpty() ? null : traceparent),
            replyTo);
      }
      case RESULT -> {
        return new InferReply.InferResult(
            string(b), string(b), string(b), tensors(b), b.getLong(), string(b));
      }
      case FAILURE -> {
        int status = b.getInt();
        String error = string(b);
        boolean leaving = b.remaining() >= 4 && b.getInt() == 1;
        return new InferReply.InferFailure(status, error, leaving);
      }
      default ->
          throw new NotSerializableException(
              "unknown manifest '" + manifest + "' for InferenceSerializer");
    }
  }

  private static String string(ByteBuffer b) {
    int n = b.getInt();
    if (n < 0) {
      return null;
    }
    String s = new String(b.array(), b.arrayOffset() + b.position(), n, StandardCharsets.UTF_8);
    b.position(b.position() + n);
    return s;
  }

  private static List<Tensor> tensors(ByteBuffer b) {
    int k = b.getInt();
    List<Tensor> out = new ArrayList<>(k);
    for (int i = 0; i < k; i++) {
      String name = string(b);
      DataType dt = TYPES[b.get()];
      long[] shape = new long[b.get()];
      for (int d = 0; d < shape.length; d++) {
        shape[d] = b.getLong();
      }
      byte[] data = new byte[b.getInt()];
      b.get(data);
      out.add(new Tensor(name, dt, shape, data));
    }
    return List.copyOf(out);
  }

  /** Grows one array; sized up front from the tensors so that big payloads are copied once. */
  private static final class Writer {
    private ByteBuffer buf = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);

    private void ensure(int n) {
      if (buf.remaining() < n) {
        ByteBuffer bigger =
            ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n))
                .order(ByteOrder.LITTLE_ENDIAN);
        buf.flip();
        bigger.put(buf);
        buf = bigger;
      }
    }

    Writer i32(int v) {
      ensure(4);
      buf.putInt(v);
      return this;
    }

    Writer i64(long v) {
      ensure(8);
      buf.putLong(v);
      return this;
    }

    Writer string(String s) {
      if (s == null) {
        return i32(-1);
      }
      byte[] u = s.getBytes(StandardCharsets.UTF_8);
      ensure(4 + u.length);
      buf.putInt(u.length).put(u);
      return this;
    }

    Writer tensors(List<Tensor> ts) {
      int total = 4;
      for (Tensor t : ts) {
        total += 4 + t.name().length() * 3 + 2 + 8 * t.shape().length + 4 + t.data().length;
      }
      ensure(total);
      buf.putInt(ts.size());
      for (Tensor t : ts) {
        string(t.name());
        buf.put((byte) t.datatype().ordinal()).put((byte) t.shape().length);
        for (long d : t.shape()) {
          buf.putLong(d);
        }
        buf.putInt(t.data().length).put(t.data());
      }
      return this;
    }

    byte[] bytes() {
      byte[] out = new byte[buf.position()];
      System.arraycopy(buf.array(), 0, out, 0, out.length);
      return out;
    }
  }
}
