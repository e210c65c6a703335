package io.modelfleet.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Everything one run measured, in the order measured, with look-ups for ratios and targets. */
public final class Results {

  private final List<Row> rows = new ArrayList<>();
  private final List<Row> ceiling = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  public void add(Row row) {
    rows.add(row);
  }

  public void addCeiling(Row row) {
    ceiling.add(row);
  }

  public void note(String note) {
    notes.add(note);
  }

  public List<Row> rows() {
    return rows;
  }

  public List<Row> ceiling() {
    return ceiling;
  }

  public List<String> notes() {
    return notes;
  }

  public Optional<Row> raw(String model, int clients, int batch) {
    return rows.stream()
        .filter(
            r ->
                r.isRaw()
                    && r.model().equals(model)
                    && r.clients() == clients
                    && r.batch() == batch
                    && r.ok())
        .findFirst();
  }

  public Optional<Row> served(String model, String protocol, String batching, int clients) {
    return rows.stream()
        .filter(
            r ->
                r.model().equals(model)
                    && r.path().equals(protocol)
                    && r.batching().equals(batching)
                    && r.clients() == clients)
        .findFirst();
  }
}
