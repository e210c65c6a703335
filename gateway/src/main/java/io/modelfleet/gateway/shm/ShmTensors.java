package io.modelfleet.gateway.shm;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.oip.tensor.MemoryReservation;
import io.modelfleet.gateway.oip.tensor.TensorHeader;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Tensors in registered regions, for inferences over HTTP and gRPC alike: an input is copied out of
 * its region while the request is decoded (once, like a binary input out of the body; the replica
 * may be on another node, so it needs its own bytes), and an output is copied into its region once
 * the answer is back, after which the response describes it without data.
 *
 * <p>The sizes are checked as Triton checks them: an input's {@code shared_memory_byte_size} must
 * be exactly its datatype and shape's size (for BYTES, its framing must hold as many elements as
 * the shape), and an output's must be at least the output's size.
 */
public final class ShmTensors {

  /** No region is ever registered: every reference is refused as unknown (unit tests). */
  public static final ShmTensors NONE =
      new ShmTensors(new ShmRegistry(new ShmSettings(Path.of("/dev/shm"), 0, 0), Runnable::run));

  private final ShmRegistry registry;

  public ShmTensors(ShmRegistry registry) {
    this.registry = registry;
  }

  /**
   * As {@link #input(TensorHeader, ShmRef, MemoryReservation)} for an input of a gRPC request,
   * whose shape is not checked yet.
   */
  public Tensor input(
      String name, DataType type, long[] shape, ShmRef ref, MemoryReservation budget) {
    long count = 1;
    for (long d : shape) {
      if (d < 0) {
        throw ApiException.badRequest(
            "input '" + name + "': shape " + Tensor.shapeText(shape) + " has a negative dimension");
      }
      count = count > Integer.MAX_VALUE || d > Integer.MAX_VALUE ? Long.MAX_VALUE : count * d;
    }
    if (count > Integer.MAX_VALUE / 8) {
      throw ApiException.badRequest(
          "input '" + name + "': shape " + Tensor.shapeText(shape) + " has too many elements");
    }
    return input(new TensorHeader(name, type, shape, count), ref, budget);
  }

  /**
   * The input {@code h} read from its region.
   *
   * @throws ApiException 400 naming the input when the region is unknown, the size does not match,
   *     or the range is outside the region
   * @throws RuntimeException whatever {@code budget} throws to refuse the memory
   */
  public Tensor input(TensorHeader h, ShmRef ref, MemoryReservation budget) {
    String who = h.who();
    DataType type = h.datatype();
    long count = h.elementCount();
    long size = ref.byteSize();
    if (type.fixedWidth() && size != count * type.byteSize()) {
      throw ApiException.badRequest(
          who
              + ": "
              + ShmRef.BYTE_SIZE
              + " is "
              + size
              + " but "
              + type
              + " shape "
              + Tensor.shapeText(h.shape())
              + " needs "
              + count * type.byteSize()
              + " bytes");
    }
    budget.reserve(
        who, size + (type == DataType.BYTES ? count * DataType.BYTES_ELEMENT_OVERHEAD : 0));
    byte[] bytes = read(who, ref);
    if (type == DataType.BYTES) {
      int elements = Tensor.elementCountOfBytes(who, bytes);
      if (elements != count) {
        throw ApiException.badRequest(
            who
                + ": shared memory holds "
                + elements
                + " BYTES elements but shape "
                + Tensor.shapeText(h.shape())
                + " needs "
                + count);
      }
    }
    return new Tensor(h.name(), type, h.shape(), bytes);
  }

  private byte[] read(String who, ShmRef ref) {
    ShmRegion region = held(who, ref.region());
    try {
      return region.read(who, ref.offset(), ref.byteSize());
    } finally {
      region.release();
    }
  }

  /**
   * Checks, before the request is sent, that each output's region is registered and its range fits,
   * so that a mistake costs no inference.
   *
   * @throws ApiException 400 naming the output
   */
  public void checkOutputs(Map<String, ShmRef> outputs) {
    for (Map.Entry<String, ShmRef> e : outputs.entrySet()) {
      String who = "output '" + e.getKey() + "'";
      ShmRef ref = e.getValue();
      ShmRegion region = held(who, ref.region());
      try {
        region.requireInside(who, ref.offset(), ref.byteSize());
      } finally {
        region.release();
      }
    }
  }

  /**
   * Copies the outputs that {@code refs} places in shared memory into their regions.
   *
   * @throws ApiException 400 naming the output when its room is smaller than the output or its
   *     region was unregistered meanwhile
   */
  public void writeOutputs(List<Tensor> outputs, Map<String, ShmRef> refs) {
    for (Tensor t : outputs) {
      ShmRef ref = refs.get(t.name());
      if (ref == null) {
        continue;
      }
      String who = "output '" + t.name() + "'";
      if (t.data().length > ref.byteSize()) {
        throw ApiException.badRequest(
            who
                + ": "
                + ShmRef.BYTE_SIZE
                + " is "
                + ref.byteSize()
                + " bytes but the output ("
                + t.datatype()
                + " "
                + Tensor.shapeText(t.shape())
                + ") takes "
                + t.data().length);
      }
      ShmRegion region = held(who, ref.region());
      try {
        region.write(who, ref.offset(), t.data());
      } finally {
        region.release();
      }
    }
  }

  /** The region, acquired: the caller releases it. */
  private ShmRegion held(String who, String name) {
    ShmRegion region = registry.find(name);
    if (region == null || !region.acquire()) {
      throw ApiException.badRequest(who + ": " + ShmRegistry.notRegistered(name));
    }
    return region;
  }
}
