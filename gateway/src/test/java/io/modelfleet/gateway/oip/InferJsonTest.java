package io.modelfleet.gateway.oip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.protocol.replica.InferReply.InferResult;
import io.modelfleet.protocol.replica.InferRequest;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Tensors;
import java.util.List;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

class InferJsonTest {

  private static InferRequest parse(String body) {
    return InferJson.parseRequest(ByteString.fromString(body)).request();
  }

  private static String reject(String body) {
    ApiException e = assertThrows(ApiException.class, () -> parse(body));
    assertEquals(400, e.status());
    return e.getMessage();
  }

  @Test
  void parsesInputsIdAndRequestedOutputs() {
    InferRequest r =
        parse(
            "{\"id\":\"req-7\",\"parameters\":{\"priority\":1},"
                + "\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,2],\"data\":[[1.5,2]]}],"
                + "\"outputs\":[{\"name\":\"y\",\"parameters\":{\"binary_data\":false}}]}");
    assertEquals("req-7", r.id());
    assertEquals(1, r.inputs().size());
    assertEquals(DataType.FP32, r.inputs().get(0).datatype());
    assertArrayEquals(new float[] {1.5f, 2f}, Tensors.floats(r.inputs().get(0)));
    assertEquals(List.of("y"), r.outputs());
  }

  @Test
  void idAndOutputsAreOptional() {
    InferRequest r =
        parse("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"INT64\",\"shape\":[1],\"data\":[3]}]}");
    assertNull(r.id());
    assertEquals(List.of(), r.outputs());
  }

  @Test
  void malformedJsonIsNamed() {
    assertTrue(reject("{\"inputs\": [").startsWith("the request body is not valid JSON"));
    assertTrue(
        reject("{\"inputs\": []} trailing").startsWith("the request body is not valid JSON"));
  }

  @Test
  void inputsMustBeANonEmptyArray() {
    assertEquals("the inference request has no 'inputs'", reject("{\"id\":\"a\"}"));
    assertEquals(
        List.of(),
        InferJson.parseRequest(ByteString.fromString("{\"inputs\":[]}")).request().inputs());
    assertEquals("'inputs' must be an array of tensors, got an object", reject("{\"inputs\":{}}"));
    assertEquals("an inference request must be a JSON object, got an array", reject("[]"));
    assertTrue(reject("").startsWith("the request body is empty"));
  }

  @Test
  void tensorProblemsKeepTheCodecsSentence() {
    assertEquals(
        "input 'x': data has 3 elements but shape [2,2] needs 4",
        reject(
            "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[2,2],\"data\":[1,2,3]}]}"));
  }

  @Test
  void duplicateInputsAreRefused() {
    String input = "{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}";
    assertEquals(
        "input 'x' is given more than once", reject("{\"inputs\":[" + input + "," + input + "]}"));
  }

  @Test
  void outputEntriesNeedAStringName() {
    String inputs =
        "\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}]";
    assertEquals(
        "outputs[0] must be an object with a string 'name', got name the number 3",
        reject("{" + inputs + ",\"outputs\":[{\"name\":3}]}"));
    assertEquals(
        "outputs[1] must be an object with a string 'name', got a string",
        reject("{" + inputs + ",\"outputs\":[{\"name\":\"y\"},\"z\"]}"));
    assertEquals(
        "'outputs' must be an array of {\"name\": ...} objects, got an object",
        reject("{" + inputs + ",\"outputs\":{\"name\":\"y\"}}"));
  }

  @Test
  void idAndParametersMustHaveTheRightKind() {
    String inputs =
        "\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}]";
    assertEquals("'id' must be a string, got the number 5", reject("{\"id\":5," + inputs + "}"));
    assertEquals(
        "'parameters' must be a JSON object, got an array",
        reject("{\"parameters\":[]," + inputs + "}"));
  }

  @Test
  void writesTheResponseWithTheIdEchoed() {
    InferResult result =
        new InferResult(
            "m", "1", "req-7", List.of(Tensors.ofFloats("y", new long[] {1, 3}, 1.5f, -2f, 0.25f)));
    assertEquals(
        "{\"model_name\":\"m\",\"model_version\":\"1\",\"id\":\"req-7\",\"outputs\":["
            + "{\"name\":\"y\",\"datatype\":\"FP32\",\"shape\":[1,3],\"data\":[1.5,-2.0,0.25]}]}",
        InferJson.writeResponse(result, "req-7").utf8String());
  }

  @Test
  void writesNoIdWhenTheClientSentNone() {
    InferResult result =
        new InferResult("m", "2", null, List.of(Tensors.ofLongs("c", new long[] {2}, 7, -1)));
    assertEquals(
        "{\"model_name\":\"m\",\"model_version\":\"2\",\"outputs\":["
            + "{\"name\":\"c\",\"datatype\":\"INT64\",\"shape\":[2],\"data\":[7,-1]}]}",
        InferJson.writeResponse(result, null).utf8String());
  }

  @Test
  void priorityAndTimeoutArePassedOn() {
    InferRequest r =
        parse(
            "{\"parameters\":{\"priority\":2,\"timeout\":1500000},"
                + "\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}]}");
    assertEquals(2, r.priority());
    assertEquals(1_500_000L, r.timeoutMicros());
    InferRequest plain =
        parse("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}]}");
    assertEquals(0, plain.priority());
    assertEquals(0L, plain.timeoutMicros());
  }

  @Test
  void priorityAndTimeoutMustBeNonNegativeIntegers() {
    String inputs =
        "\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}]";
    assertEquals(
        "request parameter 'priority' must be a non-negative integer (1 is the highest, 0 the default),"
            + " got the number -1",
        reject("{\"parameters\":{\"priority\":-1}," + inputs + "}"));
    assertEquals(
        "request parameter 'priority' must be a non-negative integer (1 is the highest, 0 the default),"
            + " got the number 1.5",
        reject("{\"parameters\":{\"priority\":1.5}," + inputs + "}"));
    assertEquals(
        "request parameter 'priority' must be at most 2147483647, got the number 2147483648",
        reject("{\"parameters\":{\"priority\":2147483648}," + inputs + "}"));
    assertEquals(
        "request parameter 'timeout' must be a non-negative integer (microseconds allowed in the queue),"
            + " got a string",
        reject("{\"parameters\":{\"timeout\":\"5s\"}," + inputs + "}"));
    assertTrue(
        reject("{\"parameters\":{\"timeout\":99999999999999999999}," + inputs + "}")
            .startsWith("request parameter 'timeout' must be a non-negative integer"));
  }

  @Test
  void anOutputCannotBeBothBinaryAndJson() {
    String inputs =
        "\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}]";
    assertEquals(
        "output 'y' is requested both with and without 'binary_data'",
        reject(
            "{"
                + inputs
                + ",\"outputs\":["
                + "{\"name\":\"y\",\"parameters\":{\"binary_data\":true}},"
                + "{\"name\":\"y\",\"parameters\":{\"binary_data\":false}}]}"));
  }

  // --- streaming: member order, skipped members, limits, non-finite floats, error wording ---

  @Test
  void dataBeforeTheHeaderIsReadFromItsOffsetInTheBody() {
    InferRequest r =
        parse(
            "{\"id\":\"first\",\"inputs\":[{\"name\":\"a\",\"datatype\":\"INT32\",\"shape\":[1],\"data\":[7]},"
                + "{\"data\":[[1.5,2],[3,4]],\"shape\":[2,2],\"name\":\"x\",\"datatype\":\"FP32\"}]}");
    assertArrayEquals(new float[] {1.5f, 2f, 3f, 4f}, Tensors.floats(r.inputs().get(1)));
    assertArrayEquals(new int[] {7}, Tensors.ints(r.inputs().get(0)));
  }

  @Test
  void unknownMembersAreSkippedWithoutBeingRead() {
    InferRequest r =
        parse(
            "{\"junk\":[{},{},[[{}]]],\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],"
                + "\"data\":[1],\"extra\":{\"a\":[1,2]}}],\"parameters\":{\"custom\":[{}]}}");
    assertEquals(1, r.inputs().size());
  }

  @Test
  void emptyObjectsInsteadOfNumbersAreRefusedAtTheFirst() {
    StringBuilder data = new StringBuilder("[{}");
    for (int i = 1; i < 100_000; i++) {
      data.append(",{}");
    }
    assertEquals(
        "input 'x': data element 0 is an object, but FP32 needs a number",
        reject(
            "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[100000],\"data\":"
                + data
                + "]}]}"));
  }

  @Test
  void tensorListsAreBounded() {
    StringBuilder outputs = new StringBuilder("[");
    for (int i = 0; i <= InferJson.MAX_TENSORS; i++) {
      outputs.append(i == 0 ? "" : ",").append("{\"name\":\"o").append(i).append("\"}");
    }
    String inputs =
        "\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}]";
    assertEquals(
        "'outputs' has more than 4096 entries",
        reject("{" + inputs + ",\"outputs\":" + outputs + "]}"));
  }

  @Test
  void nonFiniteFloatsAsStringsAndBareLiterals() {
    String strings =
        "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[3],\"data\":[\"NaN\",\"Infinity\",\"-Infinity\"]}]}";
    String bare =
        "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[3],\"data\":[NaN,Infinity,-Infinity]}]}";
    float[] v = Tensors.floats(parse(bare).inputs().get(0));
    assertTrue(Float.isNaN(v[0]));
    assertEquals(Float.POSITIVE_INFINITY, v[1]);
    assertEquals(Float.NEGATIVE_INFINITY, v[2]);
    assertEquals(parse(strings).inputs(), parse(bare).inputs());
  }

  @Test
  void syntaxErrorsGiveThePositionWithoutParserHints() {
    String single = reject("{\"inputs\":[{'name':\"x\"}]}");
    assertTrue(
        single.startsWith("the request body is not valid JSON: ")
            && single.endsWith("at line 1, column 13"),
        single);
    String comment = reject("{/* c */\"inputs\":[]}");
    for (String m : List.of(single, comment)) {
      assertTrue(!m.contains("Feature") && !m.contains("enable") && !m.contains("Source"), m);
    }
  }

  @Test
  void sequenceParametersAreRefusedByNameUnlessTheyAskForNothing() {
    String inputs =
        "\"inputs\":[{\"name\":\"x\",\"datatype\":\"INT64\",\"shape\":[1],\"data\":[3]}]";
    assertTrue(
        reject("{\"parameters\":{\"sequence_id\":42,\"sequence_start\":true}," + inputs + "}")
            .startsWith("request parameter 'sequence_id' is not supported"));
    assertTrue(
        reject("{\"parameters\":{\"sequence_end\":true}," + inputs + "}")
            .startsWith("request parameter 'sequence_end' is not supported"));
    assertTrue(
        reject("{\"parameters\":{\"sequence_id\":\"s-1\"}," + inputs + "}")
            .startsWith("request parameter 'sequence_id' is not supported"));
    InferRequest none =
        parse(
            "{\"parameters\":{\"sequence_id\":0,\"sequence_start\":false,\"sequence_end\":false},"
                + inputs
                + "}");
    assertEquals(1, none.inputs().size());
  }
}
