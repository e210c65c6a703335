package io.modelfleet.gateway.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.gateway.Json;
import io.modelfleet.protocol.usage.UsageColumn;
import io.modelfleet.protocol.usage.UsageReport;
import io.modelfleet.protocol.usage.UsageRow;
import io.modelfleet.protocol.usage.UsageTotals;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CSV (RFC 4180 quoting, CRLF) and JSON carry the same columns and numbers. */
class UsageCsvTest {
  private static final List<UsageColumn> BY = List.of(UsageColumn.TENANT, UsageColumn.MODEL);
  private static final List<UsageRow> ROWS =
      List.of(
          new UsageRow(
              List.of("acme", "fraud"),
              new UsageTotals(120, 2, 480, 5760, 3840, 12_345_678, 12_345_678, 0)),
          new UsageRow(
              List.of("a,b", "say \"hi\"\nthere"),
              new UsageTotals(1, 0, 1, 12, 8, 1_500_000_000, 0, 1_500_000_000)));

  @Test
  void fieldsAreQuotedOnlyWhenTheyMustBe() {
    assertEquals("plain", UsageCsv.field("plain"));
    assertEquals("\"a,b\"", UsageCsv.field("a,b"));
    assertEquals("\"say \"\"hi\"\"\"", UsageCsv.field("say \"hi\""));
    assertEquals("\"two\r\nlines\"", UsageCsv.field("two\r\nlines"));
    assertEquals("", UsageCsv.field(""));
  }

  @Test
  void aHeaderThenOneLinePerGroup() {
    assertEquals(
        "tenant,model,requests,failures,rows,input_bytes,output_bytes,compute_seconds,cpu_seconds,gpu_seconds\r\n"
            + "acme,fraud,120,2,480,5760,3840,0.012345678,0.012345678,0\r\n"
            + "\"a,b\",\"say \"\"hi\"\"\nthere\",1,0,1,12,8,1.5,0,1.5\r\n",
        UsageCsv.write(BY, ROWS));
    assertEquals(
        "requests,failures,rows,input_bytes,output_bytes,compute_seconds,cpu_seconds,gpu_seconds\r\n",
        UsageCsv.write(List.of(), List.of()));
  }

  @Test
  void jsonHasTheSameNumbers() throws Exception {
    Instant from = Instant.parse("2025-03-01T00:00:00Z");
    UsageReport report = new UsageReport(ROWS, false, Instant.parse("2025-03-01T10:00:00Z"));
    JsonNode n =
        Json.MAPPER.readTree(
            Json.bytes(g -> UsageJson.write(g, from, from.plusSeconds(86_400), BY, report))
                .utf8String());
    assertEquals("2025-03-01T10:00:00Z", n.get("as_of").asText());
    assertEquals("[\"tenant\",\"model\"]", n.get("group_by").toString());
    JsonNode first = n.get("usage").get(0);
    assertEquals("acme", first.get("tenant").asText());
    assertEquals(480, first.get("rows").asLong());
    assertEquals("0.012345678", first.get("compute_seconds").decimalValue().toPlainString());
    assertEquals(1.5, n.get("usage").get(1).get("gpu_seconds").asDouble());
  }
}
