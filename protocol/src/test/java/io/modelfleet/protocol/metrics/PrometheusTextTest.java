package io.modelfleet.protocol.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PrometheusTextTest {

  @Test
  void readsFamiliesLabelsAndValues() {
    PrometheusText t =
        PrometheusText.parse(
            """
            # HELP up Whether it is up
            # TYPE up gauge
            up{job="a",path="C:\\\\x \\"q\\"\\n"} 1
            up{job="b"} 0 1700000000000
            # TYPE lat histogram
            lat_bucket{le="0.1"} 2
            lat_bucket{le="+Inf"} 3
            lat_sum 0.5
            lat_count 3
            odd -Inf
            """);
    assertEquals("gauge", t.family("up").type());
    assertEquals("Whether it is up", t.family("up").help());
    assertEquals(1, t.value("up", "job", "a", "path", "C:\\x \"q\"\n"));
    assertEquals(0, t.value("up", "job", "b"));
    assertEquals(4, t.family("lat").samples().size());
    assertEquals(3, t.value("lat_count"));
    assertEquals("untyped", t.family("odd").type());
    assertTrue(Double.isInfinite(t.value("odd")));
  }

  @Test
  void refusesMalformedText() {
    for (String bad :
        new String[] {
          "1bad 1\n",
          "x{a=\"1\" 1\n",
          "x{a=1} 1\n",
          "x 1 2 3\n",
          "x one\n",
          "# TYPE x gauge\n# TYPE x gauge\nx 1\n",
          "x 1\n# TYPE x gauge\n",
          "# TYPE x wat\n",
          "x 1\ny 1\nx 2\n",
          "x{a=\"1\"} 1\nx{a=\"1\"} 2\n",
          "# TYPE h histogram\nh_bucket 1\n",
          "x{a=\"\\q\"} 1\n"
        }) {
      assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse(bad), bad);
    }
  }
}
