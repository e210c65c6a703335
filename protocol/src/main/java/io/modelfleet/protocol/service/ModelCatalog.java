package io.modelfleet.protocol.service;

import io.modelfleet.protocol.model.HistoryEntry;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** Read side of the registry, backed by the journal's query API. */
public interface ModelCatalog {

  /** Names of every model that has ever been registered, sorted. */
  CompletionStage<List<String>> modelNames();

  /** Every event of one model's journal, in order; empty for an unknown model. */
  CompletionStage<List<HistoryEntry>> history(String model);
}
