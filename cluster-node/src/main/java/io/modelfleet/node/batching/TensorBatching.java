package io.modelfleet.node.batching;

import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges the inputs of several inferences into one execution along dimension 0, and cuts the
 * outputs back apart. Works on raw bytes only: rows of every datatype are contiguous in row-major
 * data, so concatenating and slicing bytes is exact, and BYTES needs only its framing walked.
 *
 * <p>Misuse (merging requests that {@link #batchKey} says are incompatible) is a programming error
 * and throws {@link IllegalArgumentException}. A model whose output does not follow the batch along
 * dimension 0 is a server-side fault the caller must report, so {@link #split} throws {@link
 * IllegalStateException} naming the output.
 */
public final class TensorBatching {

  private TensorBatching() {}

  /** The merged inputs, in the first request's input order, and the rows request i contributed. */
  public record Batch(List<Tensor> inputs, int[] rows) {}

  /**
   * Equal for requests that may share an execution: same input names, datatypes and dimensions
   * after the first. Inputs are sorted by name so the order a client listed them in does not split
   * otherwise compatible requests.
   */
  public record BatchKey(List<InputShape> inputs) {}

  /** One input of a {@link BatchKey}; {@code innerDims} is the shape without dimension 0. */
  public record InputShape(String name, DataType datatype, List<Long> innerDims) {}

  /**
   * The key under which {@code inputs} may be batched, or null when the request must run alone: it
   * has no inputs, an input of rank 0 (nothing to concatenate along), inputs that disagree on
   * dimension 0 (no single row count to split the outputs by), or an input given twice.
   */
  public static BatchKey batchKey(List<Tensor> inputs) {
    if (inputs.isEmpty()) {
      return null;
    }
    long dim0 = inputs.get(0).shape().length == 0 ? 0 : inputs.get(0).shape()[0];
    List<InputShape> shapes = new ArrayList<>(inputs.size());
    for (Tensor t : inputs) {
      long[] shape = t.shape();
      if (shape.length == 0 || shape[0] != dim0) {
        return null;
      }
      List<Long> inner = Arrays.stream(shape, 1, shape.length).boxed().toList();
      shapes.add(new InputShape(t.name(), t.datatype(), inner));
    }
    shapes.sort(Comparator.comparing(InputShape::name));
    for (int i = 1; i < shapes.size(); i++) {
      if (shapes.get(i).name().equals(shapes.get(i - 1).name())) {
        return null;
      }
    }
    return new BatchKey(List.copyOf(shapes));
  }

  /**
   * Rows the request puts into an execution: the dimension 0 its inputs share. For a request that
   * {@link #batchKey} rejects it is the largest dimension 0 of any input (0 if all are scalars),
   * which is what a max-batch-size check should compare. Clamped to {@code Integer.MAX_VALUE}.
   */
  public static int rows(List<Tensor> inputs) {
    long rows = 0;
    for (Tensor t : inputs) {
      if (t.shape().length > 0) {
        rows = Math.max(rows, t.shape()[0]);
      }
    }
    return (int) Math.min(rows, Integer.MAX_VALUE);
  }

  /** Concatenates each input along dimension 0, in request order. */
  public static Batch concat(List<List<Tensor>> requests) {
    if (requests.isEmpty()) {
      throw new IllegalArgumentException("nothing to batch: no requests");
    }
    List<Tensor> first = requests.get(0);
    BatchKey key = batchKey(first);
    if (key == null) {
      throw new IllegalArgumentException("request 0 cannot be batched: " + first);
    }
    int[] rows = new int[requests.size()];
    for (int r = 0; r < requests.size(); r++) {
      if (r > 0 && !key.equals(batchKey(requests.get(r)))) {
        throw new IllegalArgumentException(
            "request " + r + " does not fit the batch: " + requests.get(r) + " vs " + first);
      }
      rows[r] = rows(requests.get(r));
    }
    if (requests.size() == 1) {
      // Nothing to merge; the copy would only cost time for a large tensor.
      return new Batch(List.copyOf(first), rows);
    }
    List<Map<String, Tensor>> byName = new ArrayList<>(requests.size());
    for (List<Tensor> request : requests) {
      Map<String, Tensor> m = new HashMap<>();
      request.forEach(t -> m.put(t.name(), t));
      byName.add(m);
    }
    List<Tensor> merged = new ArrayList<>(first.size());
    for (Tensor proto : first) {
      merged.add(concatOne(proto, byName));
    }
    return new Batch(List.copyOf(merged), rows);
  }

  private static Tensor concatOne(Tensor proto, List<Map<String, Tensor>> requests) {
    long totalRows = 0;
    long totalBytes = 0;
    for (Map<String, Tensor> request : requests) {
      Tensor t = request.get(proto.name());
      checkFixedWidthLength(t);
      totalRows += t.shape()[0];
      totalBytes += t.data().length;
    }
    if (totalBytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "input '"
              + proto.name()
              + "': the batch would hold "
              + totalBytes
              + " bytes, more than one Java array can");
    }
    byte[] data = new byte[(int) totalBytes];
    int at = 0;
    for (Map<String, Tensor> request : requests) {
      // BYTES too: framed elements are self-delimiting, so their concatenation is valid framing.
      byte[] part = request.get(proto.name()).data();
      System.arraycopy(part, 0, data, at, part.length);
      at += part.length;
    }
    long[] shape = proto.shape().clone();
    shape[0] = totalRows;
    return new Tensor(proto.name(), proto.datatype(), shape, data);
  }

  /**
   * Splits each output along dimension 0 into {@code rows.length} tensors; element i of the result
   * holds request i's outputs in the order of {@code outputs}.
   *
   * @throws IllegalStateException naming the output when it is a scalar, its dimension 0 is not the
   *     batch's total row count, or its data does not match its shape
   */
  public static List<List<Tensor>> split(List<Tensor> outputs, int[] rows) {
    long total = 0;
    for (int r : rows) {
      total += r;
    }
    List<List<Tensor>> perRequest = new ArrayList<>(rows.length);
    for (int i = 0; i < rows.length; i++) {
      perRequest.add(new ArrayList<>(outputs.size()));
    }
    for (Tensor out : outputs) {
      long[] shape = out.shape();
      if (shape.length == 0 || shape[0] != total) {
        throw new IllegalStateException(
            "output '"
                + out.name()
                + "' has shape "
                + Arrays.toString(shape)
                + ", which is not batched along dimension 0: the batch had "
                + total
                + " rows "
                + Arrays.toString(rows));
      }
      long elementsPerRow = Tensor.elementCount(Arrays.copyOfRange(shape, 1, shape.length));
      int[] cuts =
          out.datatype().fixedWidth()
              ? fixedCuts(out, rows, elementsPerRow * out.datatype().byteSize())
              : bytesCuts(out, rows, elementsPerRow);
      for (int i = 0; i < rows.length; i++) {
        long[] part = shape.clone();
        part[0] = rows[i];
        byte[] data =
            rows.length == 1 ? out.data() : Arrays.copyOfRange(out.data(), cuts[i], cuts[i + 1]);
        perRequest.get(i).add(new Tensor(out.name(), out.datatype(), part, data));
      }
    }
    return perRequest.stream().map(List::copyOf).toList();
  }

  /** Byte offsets where each request's rows begin, plus the end; length rows.length + 1. */
  private static int[] fixedCuts(Tensor out, int[] rows, long rowBytes) {
    if (out.data().length != out.shape()[0] * rowBytes) {
      throw new IllegalStateException(
          "output '"
              + out.name()
              + "' holds "
              + out.data().length
              + " bytes but its shape "
              + Arrays.toString(out.shape())
              + " needs "
              + out.shape()[0] * rowBytes);
    }
    int[] cuts = new int[rows.length + 1];
    for (int i = 0; i < rows.length; i++) {
      cuts[i + 1] = (int) (cuts[i] + rows[i] * rowBytes);
    }
    return cuts;
  }

  /** As {@link #fixedCuts}, walking the 4-byte length prefixes to find element boundaries. */
  private static int[] bytesCuts(Tensor out, int[] rows, long elementsPerRow) {
    ByteBuffer buf = ByteBuffer.wrap(out.data()).order(ByteOrder.LITTLE_ENDIAN);
    int[] cuts = new int[rows.length + 1];
    for (int i = 0; i < rows.length; i++) {
      for (long e = (long) rows[i] * elementsPerRow; e > 0; e--) {
        if (buf.remaining() < 4) {
          throw badFraming(out, "a length prefix is cut off");
        }
        long len = buf.getInt() & 0xffffffffL;
        if (len > buf.remaining()) {
          throw badFraming(out, "an element of " + len + " bytes runs past the end");
        }
        buf.position(buf.position() + (int) len);
      }
      cuts[i + 1] = buf.position();
    }
    if (buf.hasRemaining()) {
      throw badFraming(out, buf.remaining() + " bytes are left after the last element");
    }
    return cuts;
  }

  private static IllegalStateException badFraming(Tensor out, String why) {
    return new IllegalStateException(
        "output '"
            + out.name()
            + "' of shape "
            + Arrays.toString(out.shape())
            + " has malformed BYTES data: "
            + why);
  }

  private static void checkFixedWidthLength(Tensor t) {
    DataType type = t.datatype();
    if (type.fixedWidth() && t.data().length != t.elementCount() * type.byteSize()) {
      throw new IllegalArgumentException(
          "input '"
              + t.name()
              + "' holds "
              + t.data().length
              + " bytes but its shape "
              + Arrays.toString(t.shape())
              + " needs "
              + t.elementCount() * type.byteSize());
    }
  }
}
