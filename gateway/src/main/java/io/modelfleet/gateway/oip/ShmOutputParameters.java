package io.modelfleet.gateway.oip;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.oip.tensor.JsonValueText;
import io.modelfleet.gateway.shm.ShmRef;
import java.io.IOException;
import java.util.Map;

/**
 * The shared memory parameters of one requested output ({@code outputs[i].parameters}): {@code
 * shared_memory_region}, {@code shared_memory_byte_size}, {@code shared_memory_offset}, collected
 * while the output object is read and checked once it is complete.
 */
final class ShmOutputParameters {

  private String region;
  private Long byteSize;
  private Long offset;

  /** Reads parameter {@code key} (one of the three) of {@code outputs[i]}. */
  void read(JsonParser p, JsonToken v, String key, int i) throws IOException {
    if (v == JsonToken.VALUE_NULL) {
      return;
    }
    if (key.equals(ShmRef.REGION)) {
      if (v != JsonToken.VALUE_STRING) {
        throw ApiException.badRequest(
            "outputs[" + i + "] '" + key + "' must be a string, got " + JsonValueText.kind(p));
      }
      region = p.getText();
      return;
    }
    boolean integral =
        v == JsonToken.VALUE_NUMBER_INT
            && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER
            && p.getLongValue() >= 0;
    if (!integral) {
      throw ApiException.badRequest(
          "outputs["
              + i
              + "] '"
              + key
              + "' must be a non-negative integer, got "
              + JsonValueText.kind(p));
    }
    if (key.equals(ShmRef.BYTE_SIZE)) {
      byteSize = p.getLongValue();
    } else {
      offset = p.getLongValue();
    }
  }

  /**
   * Adds output {@code name}'s place to {@code places} when it gave one.
   *
   * @throws ApiException 400 when a parameter is missing, or the output was already given another
   *     place
   */
  void addTo(Map<String, ShmRef> places, String name) {
    ShmRef ref = ShmRef.of("output '" + name + "'", region, byteSize, offset);
    if (ref == null) {
      return;
    }
    ShmRef earlier = places.putIfAbsent(name, ref);
    if (earlier != null && !earlier.equals(ref)) {
      throw ApiException.badRequest(
          "output '" + name + "' is requested in two different shared memory places");
    }
  }
}
