package io.modelfleet.gateway.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Json;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

class AliasSplitJsonTest {

  private static AliasSplitJson parse(String json) {
    return AliasSplitJson.parse(Json.parseObject(ByteString.fromString(json)));
  }

  private static String error(String json) {
    ApiException e = assertThrows(ApiException.class, () -> parse(json));
    assertEquals(400, e.status(), e.getMessage());
    return e.getMessage();
  }

  @Test
  void aSplitIsOptionalAndVersionsMayBeNumbers() {
    AliasSplitJson plain = parse("{\"version\":\"1\"}");
    assertEquals("1", plain.version());
    assertNull(plain.canary());
    assertNull(plain.shadow());
    AliasSplitJson both =
        parse(
            "{\"version\":1,\"canary\":{\"version\":2,\"percent\":5},"
                + "\"shadow\":{\"version\":\"3\",\"percent\":100}}");
    assertEquals(new AliasSplitJson.Part("2", 5), both.canary());
    assertEquals(new AliasSplitJson.Part("3", 100), both.shadow());
    assertNull(parse("{\"version\":\"1\",\"canary\":null}").canary());
  }

  @Test
  void eachProblemNamesItsField() {
    assertTrue(error("{\"canary\":{\"version\":\"2\",\"percent\":5}}").contains("\"version\""));
    assertTrue(error("{\"version\":\"1\",\"canary\":5}").contains("\"canary\" must be an object"));
    assertTrue(
        error("{\"version\":\"1\",\"canary\":{\"percent\":5}}").contains("\"canary.version\""));
    assertTrue(
        error("{\"version\":\"1\",\"shadow\":{\"version\":\"2\"}}").contains("\"shadow.percent\""));
    assertTrue(
        error("{\"version\":\"1\",\"shadow\":{\"version\":\"2\",\"percent\":-1}}")
            .contains("\"shadow.percent\" must be an integer from 0 to 100, got -1"));
    assertTrue(
        error("{\"version\":\"1\",\"shadow\":{\"version\":\"2\",\"percent\":12.5}}")
            .contains("got 12.5"));
    assertTrue(
        error("{\"version\":\"1\",\"canary\":{\"version\":\"2\",\"percent\":\"10\"}}")
            .contains("\"canary.percent\""));
    assertTrue(
        error("{\"version\":\"1\",\"canary\":{\"version\":true,\"percent\":10}}")
            .contains("\"canary.version\" must be a version name"));
  }
}
