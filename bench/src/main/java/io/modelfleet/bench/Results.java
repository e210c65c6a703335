package io.modelfleet.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Everything one run measured, in the order measured, with look-ups for ratios and targets. */
public final class Results {

  private final List<Row> rows = new ArrayList<>();
  private final List<Row> ceiling = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private HopBench.Outcome hop;
  private String hopUnavailable = "the hop was not measured (bench.hop=false)";

  /** The cross-node hop's outcome, measured after everything else. */
  public void hop(HopBench.Outcome outcome) {
    this.hop = outcome;
  }

  /** Why the hop has no outcome. */
  public void hopUnavailable(String why) {
    this.hopUnavailable = why;
  }

  public Optional<HopBench.Outcome> hop() {
    return Optional.ofNullable(hop);
  }

  public String hopUnavailable() {
    return hopUnavailable;
  }

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

  /**
   * The raw row with the most rows/s among the session configurations measured: what served/raw
   * ratios divide by ("raw ORT's best configuration").
   */
  public Optional<Row> raw(String model, int clients, int batch) {
    return raws(model, clients, batch)
        .max(Comparator.comparingDouble(r -> r.measurement().rowsPerSecond()));
  }

  /** The raw row with the lowest p50: what added latency is measured from. */
  public Optional<Row> fastestRaw(String model, int clients, int batch) {
    return raws(model, clients, batch)
        .min(Comparator.comparingDouble(r -> r.measurement().p50Micros()));
  }

  private Stream<Row> raws(String model, int clients, int batch) {
    return rows.stream()
        .filter(
            r ->
                r.isRaw()
                    && r.model().equals(model)
                    && r.clients() == clients
                    && r.batch() == batch
                    && r.ok());
  }

  /** A ceiling row (health check or trivial server) by its path and client count. */
  public Optional<Row> ceiling(String path, int clients) {
    return ceiling.stream()
        .filter(r -> r.path().equals(path) && r.clients() == clients && r.ok())
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
