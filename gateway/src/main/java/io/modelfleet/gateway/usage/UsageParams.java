package io.modelfleet.gateway.usage;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.protocol.usage.UsageColumn;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The query parameters of {@code GET /v1/usage}, read and checked before anything is asked: pure,
 * with the clock passed in. Every mistake is a 400 whose sentence names the parameter.
 *
 * <ul>
 *   <li>{@code from}, {@code to}: an ISO-8601 instant ({@code 2025-03-01T10:00:00Z}, or with an
 *       offset), or a date ({@code 2025-03-01}, a UTC day). A date as {@code from} is the start of
 *       its day, as {@code to} the end of its day, so {@code from=2025-03-01&to=2025-03-31} is all
 *       of March. Usage of the periods that start in [from, to) is summed. Default: the current UTC
 *       day. At most query-max-range long.
 *   <li>{@code group_by}: comma-separated columns (tenant, key, model, version, device, node,
 *       period), each once; default {@code tenant,model}; empty for one row of totals.
 *   <li>{@code tenant}, {@code model}: only this tenant's or model's usage.
 *   <li>{@code format}: {@code json} or {@code csv}; without it, CSV when the Accept header asks
 *       for {@code text/csv}, else JSON.
 * </ul>
 */
public record UsageParams(
    Instant from,
    Instant to,
    List<UsageColumn> groupBy,
    Optional<String> tenant,
    Optional<String> model,
    boolean csv) {

  static final List<UsageColumn> DEFAULT_GROUP_BY = List.of(UsageColumn.TENANT, UsageColumn.MODEL);

  private static final Set<String> KNOWN =
      Set.of("from", "to", "group_by", "tenant", "model", "format");

  public UsageParams {
    groupBy = List.copyOf(groupBy);
  }

  /**
   * @param query the request's query parameters
   * @param accept the Accept header, if any
   * @param now the time the request arrived
   * @param maxRange query-max-range
   */
  public static UsageParams parse(
      Map<String, String> query, Optional<String> accept, Instant now, Duration maxRange) {
    for (String name : query.keySet()) {
      if (!KNOWN.contains(name)) {
        throw ApiException.badRequest(
            "unknown query parameter '"
                + name
                + "'; /v1/usage takes from, to, group_by, tenant, model and format");
      }
    }
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    Instant from =
        Optional.ofNullable(query.get("from"))
            .map(v -> instant("from", v, false))
            .orElse(today.atStartOfDay().toInstant(ZoneOffset.UTC));
    Instant to =
        Optional.ofNullable(query.get("to"))
            .map(v -> instant("to", v, true))
            .orElse(today.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC));
    if (!from.isBefore(to)) {
      throw ApiException.badRequest("from (" + from + ") must be before to (" + to + ")");
    }
    if (Duration.between(from, to).compareTo(maxRange) > 0) {
      throw ApiException.badRequest(
          "from "
              + from
              + " to "
              + to
              + " is longer than "
              + maxRange.toDays()
              + " days, the longest range one query may cover"
              + " (modelfleet.ops.metering.query-max-range)");
    }
    List<UsageColumn> groupBy =
        query.containsKey("group_by") ? groupBy(query.get("group_by")) : DEFAULT_GROUP_BY;
    return new UsageParams(
        from,
        to,
        groupBy,
        filter("tenant", query.get("tenant")),
        filter("model", query.get("model")),
        csv(query.get("format"), accept));
  }

  private static Instant instant(String name, String value, boolean endOfDay) {
    String v = value.strip();
    try {
      if (v.length() == 10) {
        LocalDate day = LocalDate.parse(v);
        return (endOfDay ? day.plusDays(1) : day).atStartOfDay().toInstant(ZoneOffset.UTC);
      }
      return OffsetDateTime.parse(v).toInstant();
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest(
          name
              + " '"
              + value
              + "' is neither an ISO-8601 instant (2025-03-01T10:00:00Z) nor a date (2025-03-01)");
    } catch (DateTimeException e) {
      throw ApiException.badRequest(name + " '" + value + "' is out of range");
    }
  }

  static List<UsageColumn> groupBy(String value) {
    List<UsageColumn> out = new ArrayList<>();
    if (value.isBlank()) {
      return out;
    }
    for (String raw : value.split(",", -1)) {
      String label = raw.strip().toLowerCase(Locale.ROOT);
      UsageColumn c =
          UsageColumn.parse(label)
              .orElseThrow(
                  () ->
                      ApiException.badRequest(
                          "group_by: unknown column '"
                              + raw.strip()
                              + "'; the columns are "
                              + Arrays.stream(UsageColumn.values())
                                  .map(UsageColumn::label)
                                  .collect(Collectors.joining(", "))));
      if (out.contains(c)) {
        throw ApiException.badRequest("group_by names '" + label + "' twice");
      }
      out.add(c);
    }
    return out;
  }

  private static Optional<String> filter(String name, String value) {
    if (value == null) {
      return Optional.empty();
    }
    if (value.isBlank()) {
      throw ApiException.badRequest(name + " must not be empty when given");
    }
    return Optional.of(value);
  }

  private static boolean csv(String format, Optional<String> accept) {
    if (format != null) {
      return switch (format.toLowerCase(Locale.ROOT)) {
        case "csv" -> true;
        case "json" -> false;
        default ->
            throw ApiException.badRequest("format must be json or csv, got '" + format + "'");
      };
    }
    return accept.map(a -> a.toLowerCase(Locale.ROOT).contains("text/csv")).orElse(false);
  }
}
