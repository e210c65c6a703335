package io.modelfleet.gateway.oip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.gateway.Json;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.junit.jupiter.api.Test;

class MetadataJsonTest {

  @Test
  void serverMetadataListsTheExtensions() {
    JsonNode meta = Json.parse(((HttpEntity.Strict) MetadataJson.server().entity()).getData());
    assertEquals("modelfleet", meta.get("name").textValue());
    assertEquals(
        "[\"binary_tensor_data\",\"model_configuration\",\"model_repository\",\"statistics\","
            + "\"system_shared_memory\"]",
        meta.get("extensions").toString());
  }
}
