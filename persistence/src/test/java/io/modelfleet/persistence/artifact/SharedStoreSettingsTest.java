package io.modelfleet.persistence.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The shared store's settings: reference.conf defaults, and out-of-range values refused with the
 * key's name.
 */
class SharedStoreSettingsTest {

  private static SharedStoreSettings with(String key, Object value) {
    Config c =
        ConfigFactory.parseMap(Map.of("modelfleet.artifacts." + key, value))
            .withFallback(ConfigFactory.load());
    return SharedStoreSettings.fromConfig(c);
  }

  @Test
  void defaults() {
    SharedStoreSettings s = SharedStoreSettings.fromConfig(ConfigFactory.load());
    assertEquals(new SharedStoreSettings(4 << 20, 5, Duration.ofMinutes(10)), s);
  }

  @Test
  void outOfRangeValuesNameTheirKey() {
    var big =
        assertThrows(IllegalArgumentException.class, () -> with("database-chunk-size", "257 MiB"));
    assertTrue(big.getMessage().contains("database-chunk-size"), big.getMessage());
    var none =
        assertThrows(IllegalArgumentException.class, () -> with("database-publish-attempts", 0));
    assertTrue(none.getMessage().contains("database-publish-attempts"), none.getMessage());
    var negative =
        assertThrows(IllegalArgumentException.class, () -> with("h2-publish-lock-timeout", "-1s"));
    assertTrue(negative.getMessage().contains("h2-publish-lock-timeout"), negative.getMessage());
    assertEquals(1, with("database-chunk-size", 1).withChunkSize(1).chunkSize());
  }
}
