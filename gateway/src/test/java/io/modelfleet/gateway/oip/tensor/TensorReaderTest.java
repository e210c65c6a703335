package io.modelfleet.gateway.oip.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Tensor;
import io.modelfleet.protocol.tensor.TensorFormatException;
import io.modelfleet.protocol.tensor.Tensors;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The streaming tensor reader on its own: what it refuses early, and what it allocates. */
class TensorReaderTest {

  private static final JsonFactory FACTORY =
      JsonFactory.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  /** Records every reservation; refuses once the total would pass {@code limit}. */
  private static final class Budget implements MemoryReservation {
    final long limit;
    final List<Long> asked = new ArrayList<>();

    Budget(long limit) {
      this.limit = limit;
    }

    long total() {
      return asked.stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public void reserve(String who, long bytes) {
      if (total() + bytes > limit) {
        throw new IllegalStateException(who + " refused " + bytes);
      }
      asked.add(bytes);
    }
  }

  /**
   * Reads the input object at the start of {@code text}, reopening the same bytes for deferred
   * data.
   */
  private static Tensor read(String text, MemoryReservation budget) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    TensorReader.Source source =
        offset -> FACTORY.createParser(Arrays.copyOfRange(bytes, (int) offset, bytes.length));
    try (JsonParser p = FACTORY.createParser(bytes)) {
      p.nextToken();
      return TensorReader.read(p, source, budget).tensor();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Tensor read(String text) {
    return read(text, MemoryReservation.NONE);
  }

  private static String input(String datatype, String shape, String data) {
    return "{\"name\":\"x\",\"datatype\":\""
        + datatype
        + "\",\"shape\":"
        + shape
        + ",\"data\":"
        + data
        + "}";
  }

  private static String reject(String text) {
    return assertThrows(TensorFormatException.class, () -> read(text)).getMessage();
  }

  private static String repeat(String element, int n) {
    return "[" + String.join(",", Collections.nCopies(n, element)) + "]";
  }

  // --- refused early, without allocating ---

  @Test
  void objectsInsteadOfNumbersAreRefusedAtTheFirstOneWithoutReserving() {
    Budget budget = new Budget(Long.MAX_VALUE);
    TensorFormatException e =
        assertThrows(
            TensorFormatException.class,
            () -> read(input("FP32", "[100000]", repeat("{}", 100_000)), budget));
    assertEquals("input 'x': data element 0 is an object, but FP32 needs a number", e.getMessage());
    assertTrue(budget.asked.isEmpty(), "nothing was reserved: " + budget.asked);
  }

  @Test
  void tooManyElementsAreFoundAtTheFirstOneTooMany() {
    // The object after the surplus element is never looked at.
    assertEquals(
        "input 'x': data has more than 2 elements but shape [2] needs 2",
        reject(input("INT32", "[2]", "[1,2,3,{}]")));
    assertEquals(
        "input 'x': data has 1 elements but shape [2] needs 2",
        reject(input("INT32", "[2]", "[1]")));
  }

  @Test
  void aBufferIsReservedOnceAtItsExactSize() {
    Budget budget = new Budget(Long.MAX_VALUE);
    read(input("FP64", "[2,3]", "[1,2,3,4,5,6]"), budget);
    assertEquals(List.of(48L), budget.asked);
  }

  @Test
  void aRefusedReservationStopsTheInputBeforeItsBufferExists() {
    Budget budget = new Budget(100);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> read(input("FP32", "[1000]", repeat("1", 1000)), budget));
    assertEquals("input 'x' refused 4000", e.getMessage());
  }

  @Test
  void manySmallStringsAreChargedTheirPerElementCostUpFront() {
    Budget budget = new Budget(1_000_000);
    // 100k one-character strings: 500 kB framed, but millions of Java strings on their way to the
    // model.
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> read(input("BYTES", "[100000]", repeat("\"a\"", 100_000)), budget));
    assertEquals(
        "input 'x' refused " + 100_000L * (4 + DataType.BYTES_ELEMENT_OVERHEAD), e.getMessage());
    Budget enough = new Budget(Long.MAX_VALUE);
    Tensor t = read(input("BYTES", "[3]", "[\"a\",\"\",\"é\"]"), enough);
    assertEquals(List.of("a", "", "é"), Tensors.strings(t));
    assertEquals(List.of(3L * (4 + DataType.BYTES_ELEMENT_OVERHEAD), 3L), enough.asked);
  }

  @Test
  void bytesAreUtf8AsJavaEncodesThem() {
    String text = "a\u00e9\u2713\uD83D\uDE00";
    Tensor t = read(input("BYTES", "[2]", "[\"" + text + "\",\"\\ud800x\"]"));
    assertEquals(List.of(text, "?x"), Tensors.strings(t));
    assertArrayEquals(Tensors.ofStrings("x", new long[] {2}, text, "\ud800x").data(), t.data());
  }

  // --- nesting ---

  @Test
  void flatAndFullyNestedDataAreTheSameTensor() {
    Tensor flat = read(input("INT64", "[2,1,3]", "[1,2,3,4,5,6]"));
    assertEquals(flat, read(input("INT64", "[2,1,3]", "[[[1,2,3]],[[4,5,6]]]")));
    assertEquals(flat, read(input("INT64", "[2,1,3]", "[[1,2,3],[4,5,6]]")));
  }

  @Test
  void elementsAtDifferentDepthsAreRefused() {
    assertEquals(
        "input 'x': data element 1 is nested 2 deep where earlier elements are nested 1 deep; send"
            + " 'data' flat, or nested the same way throughout like shape [2,2]",
        reject(input("FP32", "[2,2]", "[1,[2],3,4]")));
    assertTrue(
        reject(input("FP32", "[2,1,2]", "[[1,2],[[3,4]]]"))
            .startsWith("input 'x': data element 2 is nested 3 deep"));
  }

  @Test
  void nestingDeeperThanTheShapeIsRefused() {
    assertEquals(
        "input 'x': data is nested 2 deep but shape [2] has 1 dimension",
        reject(input("FP32", "[2]", "[[1,2]]")));
    assertEquals(
        "input 'x': data is nested 3 deep but shape [1,1] has 2 dimensions",
        reject(input("FP32", "[1,1]", "[[[[[[[[1]]]]]]]]")));
    assertArrayEquals(new float[] {5f}, Tensors.floats(read(input("FP32", "[]", "[5]"))));
  }

  @Test
  void emptyNestedArraysHoldNoElements() {
    assertEquals(0, read(input("FP32", "[2,0]", "[[],[]]")).data().length);
  }

  // --- member order ---

  @Test
  void dataBeforeTheHeaderIsReadAgainFromItsOffset() {
    String body =
        "{\"data\":[[1,2],[3,4]],\"shape\":[2,2],\"parameters\":{\"x\":[{}]},\"name\":\"late\",\"datatype\":\"INT32\"}";
    Tensor t = read(body);
    assertEquals("late", t.name());
    assertArrayEquals(new int[] {1, 2, 3, 4}, Tensors.ints(t));
    // The same object deep inside a larger document, so its offset is not 0.
    String wrapped = "{\"inputs\":[" + body + "]}";
    byte[] bytes = wrapped.getBytes(StandardCharsets.UTF_8);
    try (JsonParser p = FACTORY.createParser(bytes)) {
      p.nextToken();
      p.nextToken();
      p.nextToken();
      p.nextToken();
      TensorReader.Input in =
          TensorReader.read(
              p,
              offset -> FACTORY.createParser(Arrays.copyOfRange(bytes, (int) offset, bytes.length)),
              MemoryReservation.NONE);
      assertEquals(t, in.tensor());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aHeaderErrorComesBeforeDeferredDataIsRead() {
    assertEquals(
        "an input is missing its 'name'",
        reject("{\"data\":[{}],\"datatype\":\"FP32\",\"shape\":[1]}"));
    assertEquals(
        "input 'x': 'data' is given more than once",
        reject("{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1],\"data\":[2]}"));
  }

  @Test
  void shapesAreBounded() {
    String dims = repeat("1", TensorReader.MAX_RANK + 1);
    assertEquals(
        "input 'x': 'shape' must be an array of non-negative integers, but it has more than 64 dimensions",
        reject(input("FP32", dims, "[1]")));
  }

  // --- every datatype, streaming and tree the same ---

  @ParameterizedTest
  @EnumSource(DataType.class)
  void streamingAndTreeReadTheSameTensor(DataType type) throws IOException {
    String data =
        switch (type) {
          case BOOL -> "[true,false]";
          case BYTES -> "[\"a\",\"bc\"]";
          case FP16, BF16, FP32, FP64 -> "[1.5,-2]";
          case UINT8, UINT16, UINT32, UINT64 -> "[0,7]";
          default -> "[-3,7]";
        };
    String text = input(type.name(), "[2]", data);
    Tensor streamed = read(text);
    assertEquals(TensorReader.parseInput(new ObjectMapper().readTree(text)), streamed);
    assertEquals(type, streamed.datatype());
  }

  // --- non-finite floats ---

  @ParameterizedTest
  @ValueSource(strings = {"FP16", "BF16", "FP32", "FP64"})
  void nonFiniteFloatsAsStringsAndBareLiterals(String type) {
    Tensor strings = read(input(type, "[3]", "[\"NaN\",\"Infinity\",\"-Infinity\"]"));
    Tensor literals = read(input(type, "[3]", "[NaN,Infinity,-Infinity]"));
    assertEquals(strings, literals);
    double[] values = asDoubles(literals);
    assertTrue(Double.isNaN(values[0]));
    assertEquals(Double.POSITIVE_INFINITY, values[1]);
    assertEquals(Double.NEGATIVE_INFINITY, values[2]);
  }

  @Test
  void whatIsWrittenReadsBack() throws IOException {
    Tensor out =
        Tensors.ofFloats(
            "x", new long[] {4}, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0.1f);
    StringWriter w = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(w)) {
      TensorWriter.writeOutput(out, g);
    }
    assertTrue(w.toString().contains("[\"NaN\",\"Infinity\",\"-Infinity\",0.1]"), w.toString());
    assertEquals(out, read(w.toString()));
  }

  @Test
  void otherStringsAndOverflowsAreStillRefused() {
    assertEquals(
        "input 'x': data element 0 is the string \"nan\", but FP32 needs a number",
        reject(input("FP32", "[1]", "[\"nan\"]")));
    assertTrue(
        reject(input("FP32", "[1]", "[1e39]")).endsWith("outside the FP32 range ±3.4028235E38"));
    assertTrue(
        reject(input("FP16", "[1]", "[70000]")).endsWith("outside the FP16 range -65504..65504"));
    assertEquals(
        "input 'x': data element 0 is Infinity, but INT32 needs an integer",
        reject(input("INT32", "[1]", "[Infinity]")));
    assertEquals(
        "input 'x': data element 0 is \"NaN\"".replace("\"NaN\"", "the string \"NaN\"")
            + ", but INT64 needs an integer",
        reject(input("INT64", "[1]", "[\"NaN\"]")));
  }

  @Test
  void hugeExponentsInIntegerTensorsAreRefusedQuickly() {
    long start = System.nanoTime();
    assertTrue(
        reject(input("INT32", "[1]", "[1e-999999999]")).endsWith("but INT32 needs an integer"));
    assertTrue(reject(input("INT32", "[1]", "[1e999999999]")).contains("outside the INT32 range"));
    assertFalse(System.nanoTime() - start > 2_000_000_000L, "took too long");
  }

  private static double[] asDoubles(Tensor t) {
    return switch (t.datatype()) {
      case FP64 -> Tensors.doubles(t);
      default -> {
        float[] f = Tensors.floats(t);
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
          d[i] = f[i];
        }
        yield d;
      }
    };
  }
}
