package io.modelfleet.bench;

/**
 * Points logback at the bench's own configuration (bench-logback.xml: warnings on stderr) unless
 * {@code -Dlogback.configurationFile} says otherwise. Without it the bench's JVM would pick up the
 * node's logback.xml from the class path and print embedded PostgreSQL's and logback's own INFO
 * lines into the report on stdout. Must run before the first logger is made.
 */
final class BenchLogging {

  static final String PROPERTY = "logback.configurationFile";

  private BenchLogging() {}

  static void quiet() {
    if (System.getProperty(PROPERTY) == null) {
      System.setProperty(PROPERTY, "bench-logback.xml");
    }
  }
}
