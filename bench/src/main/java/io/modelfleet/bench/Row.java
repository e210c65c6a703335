package io.modelfleet.bench;

/**
 * One line of the results: a model on one path (raw ORT in process, or served over JSON, binary or
 * gRPC) with batching off or on, at one client count and request batch size. Either it was
 * measured, or {@code unavailable} says why not.
 */
public record Row(
    String model,
    String path,
    String batching,
    int clients,
    int batch,
    Measurement measurement,
    String unavailable) {

  public static final String RAW = "raw ORT";
  public static final String NONE = "—";

  public static Row measured(
      String model, String path, String batching, int clients, int batch, Measurement m) {
    return new Row(model, path, batching, clients, batch, m, null);
  }

  public static Row unavailable(
      String model, String path, String batching, int clients, int batch, String why) {
    return new Row(model, path, batching, clients, batch, null, why);
  }

  /** Raw ORT in any session configuration ("raw ORT (intra-op 1)", …). */
  public boolean isRaw() {
    return path.startsWith(RAW);
  }

  public boolean ok() {
    return measurement != null && measurement.completed() > 0;
  }
}
