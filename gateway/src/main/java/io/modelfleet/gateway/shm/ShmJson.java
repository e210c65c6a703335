package io.modelfleet.gateway.shm;

import com.fasterxml.jackson.core.JsonGenerator;
import io.modelfleet.protocol.tensor.Tensor;
import java.io.IOException;
import java.util.List;

/** The JSON of the system shared memory extension, as Triton writes it. */
public final class ShmJson {

  private ShmJson() {}

  /** {@code [{"name", "key", "offset", "byte_size"}, ...]}: the status of regions. */
  public static void writeStatus(List<ShmRegion> regions, JsonGenerator g) throws IOException {
    g.writeStartArray();
    for (ShmRegion r : regions) {
      g.writeStartObject();
      g.writeStringField("name", r.name());
      g.writeStringField("key", r.key());
      g.writeNumberField("offset", r.offset());
      g.writeNumberField("byte_size", r.byteSize());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  /**
   * {@code {"name", "datatype", "shape", "parameters": {"shared_memory_region",
   * "shared_memory_byte_size", "shared_memory_offset"?}}}: an output written into its region, so
   * without data. The byte size is the output's own (what the client reads back), the offset is
   * given only when not 0, as Triton does.
   */
  public static void writeOutput(Tensor t, ShmRef ref, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("name", t.name());
    g.writeStringField("datatype", t.datatype().name());
    g.writeArrayFieldStart("shape");
    for (long d : t.shape()) {
      g.writeNumber(d);
    }
    g.writeEndArray();
    g.writeObjectFieldStart("parameters");
    g.writeStringField(ShmRef.REGION, ref.region());
    g.writeNumberField(ShmRef.BYTE_SIZE, t.data().length);
    if (ref.offset() != 0) {
      g.writeNumberField(ShmRef.OFFSET, ref.offset());
    }
    g.writeEndObject();
    g.writeEndObject();
  }
}
