package io.modelfleet.ops.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelfleet.ops.observe.HttpExchange;
import org.junit.jupiter.api.Test;

class AccessLogTest {

  @Test
  void theTextLineHasEveryFieldAndDashesForTheUnknown() {
    HttpExchange e =
        new HttpExchange(
            "POST",
            "/v2/models/m/infer",
            "/v2/models/{m}/infer",
            200,
            412_345,
            "req-1",
            "ci (k_abc)",
            "k_abc",
            "team-a",
            57,
            -1);
    assertEquals(
        "POST /v2/models/m/infer 200 0.412 ms id=req-1 key=k_abc tenant=team-a in=57 out=-",
        AccessLog.line(e));
    HttpExchange anonymous =
        new HttpExchange(
            "GET",
            "/v2/health/ready",
            "/v2/health/ready",
            200,
            1_000_000,
            "r",
            "anonymous",
            "",
            "default",
            -1,
            0);
    assertEquals(
        "GET /v2/health/ready 200 1.000 ms id=r key=- tenant=default in=- out=0",
        AccessLog.line(anonymous));
  }
}
