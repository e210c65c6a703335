package io.modelfleet.gateway.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.protocol.model.AliasTarget;
import io.modelfleet.protocol.model.ModelView;
import io.modelfleet.protocol.model.VersionInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AliasBookTest {
  private final AtomicLong now = new AtomicLong(1_000);
  private final List<String> refreshed = new ArrayList<>();
  private final AliasBook book = new AliasBook(refreshed::add, now::get);

  private static ModelView view(Map<String, AliasTarget> aliases) {
    var v = new VersionInfo("1", "sha256:x", 1, List.of(), List.of(), null, null);
    return new ModelView("iris", Map.of("1", v), Map.of(), Map.of(), null, aliases);
  }

  @Test
  void aModelNeverReadIsReadOnceAndServedWithoutAliasesMeanwhile() {
    assertTrue(book.of("iris").isEmpty());
    assertTrue(book.of("iris").isEmpty());
    assertEquals(List.of("iris"), refreshed);
    book.learn(view(Map.of("stable", new AliasTarget("1", null))));
    assertEquals("1", book.of("iris").get("stable").version());
    assertEquals(List.of("iris"), refreshed);
  }

  @Test
  void anOldEntryIsStillUsedAndRefreshedOnceInTheBackground() {
    book.learn(view(Map.of("stable", new AliasTarget("1", null))));
    now.addAndGet(AliasBook.MAX_AGE_NANOS + 1);
    assertEquals("1", book.of("iris").get("stable").version());
    assertEquals("1", book.of("iris").get("stable").version());
    assertEquals(List.of("iris"), refreshed);
    book.learn(view(Map.of()));
    assertTrue(book.of("iris").isEmpty());
  }

  @Test
  void aModelThatDoesNotExistLeavesNothingBehind() {
    book.learn(view(Map.of("stable", new AliasTarget("1", null))));
    book.learn(RegistryClient.absent("iris"));
    assertTrue(book.of("iris").isEmpty());
    assertEquals(List.of("iris"), refreshed);
  }
}
