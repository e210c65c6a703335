package io.modelfleet.gateway.oip.tensor;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * How the gateway names a JSON value it refuses, so that every 400 about a request body words the
 * offending value the same way, whether the tensor reader or the request reader found it.
 */
public final class JsonValueText {

  private JsonValueText() {}

  /**
   * A short description of the current value for error messages ({@code the string "abc"}, {@code
   * an object}, {@code 2.5}); skips a container's contents.
   */
  public static String describe(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == null) {
      return "nothing";
    }
    return switch (t) {
      case VALUE_NULL -> "null";
      case VALUE_STRING -> "the string \"" + clip(p.getText()) + "\"";
      case START_ARRAY -> {
        p.skipChildren();
        yield "an array";
      }
      case START_OBJECT -> {
        p.skipChildren();
        yield "an object";
      }
      case VALUE_TRUE -> "true";
      case VALUE_FALSE -> "false";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> clip(p.getText());
      default -> "nothing";
    };
  }

  /**
   * The kind of the current value in the gateway's words ({@code a string}, {@code the number -4},
   * {@code an array}); skips a container's contents.
   */
  public static String kind(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == null) {
      return "nothing";
    }
    return switch (t) {
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "the number " + clip(p.getText());
      default -> describe(p);
    };
  }

  private static String clip(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
