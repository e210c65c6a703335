package io.modelfleet.gateway.oip.tensor;

import static io.modelfleet.gateway.oip.tensor.JsonValueText.describe;
import static io.modelfleet.gateway.oip.tensor.JsonValueText.kind;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.modelfleet.gateway.shm.ShmRef;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.TensorFormatException;
import java.io.IOException;
import java.util.Arrays;

/**
 * The raw members of one input object of an inference request, validated in a fixed order once they
 * are all known, so that the same bad request always gets the same error whatever the order of its
 * members ({@link TensorReader} reads them as they come).
 */
final class InputFields {
  String name;
  String nameProblem;
  boolean typeSeen;
  String typeText;
  String typeProblem;
  boolean shapeSeen;
  long[] shape;
  String shapeProblem;
  String parametersProblem;
  boolean sizeSeen;
  long size = -1;
  String sizeProblem;
  boolean shmSeen;
  String shmRegion;
  Long shmSize;
  Long shmOffset;
  String shmProblem;
  boolean dataSeen;
  String dataProblem;
  long dataOffset = -1;
  byte[] data;
  TensorHeader header;

  String who() {
    return name != null ? "input '" + name + "'" : "an input";
  }

  boolean headerComplete() {
    return (name != null || nameProblem != null) && typeSeen && shapeSeen;
  }

  void name(JsonParser p, JsonToken t) throws IOException {
    name = null;
    nameProblem = null;
    if (t == JsonToken.VALUE_STRING) {
      name = p.getText();
    } else if (t != JsonToken.VALUE_NULL) {
      nameProblem = describe(p);
    }
  }

  void datatype(JsonParser p, JsonToken t) throws IOException {
    typeSeen = t != JsonToken.VALUE_NULL;
    typeText = t == JsonToken.VALUE_STRING ? p.getText() : null;
    typeProblem = t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NULL ? null : describe(p);
  }

  void shape(JsonParser p, JsonToken t) throws IOException {
    shapeSeen = t != JsonToken.VALUE_NULL;
    shape = null;
    shapeProblem = null;
    if (t == JsonToken.VALUE_NULL) {
      return;
    }
    if (t != JsonToken.START_ARRAY) {
      shapeProblem = "got " + describe(p);
      return;
    }
    long[] dims = new long[4];
    int n = 0;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      JsonToken d = p.currentToken();
      boolean ok =
          d == JsonToken.VALUE_NUMBER_INT
              && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER
              && p.getLongValue() >= 0;
      if (!ok) {
        shapeProblem = "but shape[" + n + "] is " + describe(p);
        TensorReader.skipRestOfArray(p);
        return;
      }
      if (n == TensorReader.MAX_RANK) {
        shapeProblem = "but it has more than " + TensorReader.MAX_RANK + " dimensions";
        TensorReader.skipRestOfArray(p);
        return;
      }
      if (n == dims.length) {
        dims = Arrays.copyOf(dims, n * 2);
      }
      dims[n++] = p.getLongValue();
    }
    shape = Arrays.copyOf(dims, n);
  }

  void parameters(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return;
    }
    if (t != JsonToken.START_OBJECT) {
      parametersProblem = kind(p);
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      JsonToken v = p.nextToken();
      if (ShmRef.isShmParameter(key)) {
        shmParameter(p, v, key);
        continue;
      }
      if (!key.equals("binary_data_size")) {
        p.skipChildren();
        continue;
      }
      sizeSeen = true;
      size = -1;
      sizeProblem = null;
      if (v == JsonToken.VALUE_NUMBER_INT
          && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER
          && p.getLongValue() >= 0) {
        size = p.getLongValue();
      } else {
        sizeProblem = kind(p);
      }
    }
  }

  /** One of Triton's shared memory parameters; a wrong kind is reported once the input is read. */
  private void shmParameter(JsonParser p, JsonToken v, String key) throws IOException {
    shmSeen = true;
    if (v == JsonToken.VALUE_NULL) {
      return;
    }
    if (key.equals(ShmRef.REGION)) {
      if (v == JsonToken.VALUE_STRING) {
        shmRegion = p.getText();
      } else {
        shmProblem = "'" + key + "' must be a string, got " + kind(p);
        p.skipChildren();
      }
      return;
    }
    if (v == JsonToken.VALUE_NUMBER_INT
        && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER
        && p.getLongValue() >= 0) {
      if (key.equals(ShmRef.BYTE_SIZE)) {
        shmSize = p.getLongValue();
      } else {
        shmOffset = p.getLongValue();
      }
    } else {
      shmProblem = "'" + key + "' must be a non-negative integer, got " + kind(p);
      p.skipChildren();
    }
  }

  TensorHeader header() {
    if (header != null) {
      return header;
    }
    if (name == null && nameProblem == null) {
      throw new TensorFormatException("an input is missing its 'name'");
    }
    if (nameProblem != null) {
      throw new TensorFormatException("input 'name' must be a string, got " + nameProblem);
    }
    String who = who();
    if (!typeSeen) {
      throw new TensorFormatException(
          who + ": missing 'datatype'; expected one of " + TensorReader.VALID_TYPES);
    }
    DataType type = typeText == null ? null : DataType.parse(typeText);
    if (type == null) {
      String given = typeText != null ? "\"" + typeText + "\"" : typeProblem;
      throw new TensorFormatException(
          who + ": unknown datatype " + given + "; expected one of " + TensorReader.VALID_TYPES);
    }
    if (!shapeSeen) {
      throw new TensorFormatException(who + ": missing 'shape'");
    }
    if (shapeProblem != null) {
      throw new TensorFormatException(
          who + ": 'shape' must be an array of non-negative integers, " + shapeProblem);
    }
    header = TensorHeader.checked(name, type, shape);
    return header;
  }

  TensorReader.Input finish(TensorReader.Source source, MemoryReservation budget)
      throws IOException {
    if (parametersProblem != null) {
      String who = name != null ? "input '" + name + "'" : "an input";
      throw new TensorFormatException(
          who + ": 'parameters' must be a JSON object, got " + parametersProblem);
    }
    TensorHeader h = header();
    if (shmSeen) {
      if (shmProblem != null) {
        throw new TensorFormatException(h.who() + ": " + shmProblem);
      }
      ShmRef ref = ShmRef.of(h.who(), shmRegion, shmSize, shmOffset);
      if (ref != null) {
        if (dataSeen || sizeSeen) {
          throw new TensorFormatException(
              h.who()
                  + " has both '"
                  + (dataSeen ? "data" : "binary_data_size")
                  + "' and '"
                  + ShmRef.REGION
                  + "'; send its values one way");
        }
        return new TensorReader.Input(h, null, -1, ref);
      }
    }
    if (sizeSeen) {
      if (sizeProblem != null) {
        throw new TensorFormatException(
            h.who() + ": 'binary_data_size' must be a non-negative integer, got " + sizeProblem);
      }
      if (dataSeen) {
        throw new TensorFormatException(
            h.who() + " has both 'data' and 'binary_data_size'; send its values one way");
      }
      return new TensorReader.Input(h, null, size);
    }
    if (!dataSeen) {
      throw new TensorFormatException(h.who() + ": missing 'data'");
    }
    if (dataProblem != null) {
      throw new TensorFormatException(h.who() + ": 'data' must be an array, got " + dataProblem);
    }
    if (data == null) {
      try (JsonParser again = source.parserAt(dataOffset)) {
        again.nextToken();
        data = TensorReader.readData(again, h, budget);
      }
    }
    return new TensorReader.Input(h, data, -1);
  }
}
