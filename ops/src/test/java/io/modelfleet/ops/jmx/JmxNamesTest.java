package io.modelfleet.ops.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class JmxNamesTest {

  @Test
  void plainValuesStayPlainAndReservedCharactersAreQuoted() {
    assertEquals("demo", JmxNames.value("demo"));
    assertEquals("my-model_2.v1", JmxNames.value("my-model_2.v1"));
    assertEquals("\"demo/1/0\"", JmxNames.value("demo/1/0"));
    assertEquals("\"a:b\"", JmxNames.value("a:b"));
    assertEquals("\"a,b=c\"", JmxNames.value("a,b=c"));
    assertEquals("\"wild\\*\"", JmxNames.value("wild*"));
    assertEquals("\"q\\\"\"", JmxNames.value("q\""));
    assertEquals("\"\"", JmxNames.value(""));
  }

  @Test
  void aReplicaNameCarriesItsModelVersionAndQuotedId() throws Exception {
    ObjectName n = JmxNames.single().replica("demo", "1", "demo/1/0/2");
    assertEquals("io.modelfleet", n.getDomain());
    assertEquals("Replica", n.getKeyProperty("type"));
    assertEquals("demo", n.getKeyProperty("model"));
    assertEquals("1", n.getKeyProperty("version"));
    assertEquals("\"demo/1/0/2\"", n.getKeyProperty("id"));
    assertEquals("demo/1/0/2", JmxNames.unquote(n.getKeyProperty("id")));
    assertEquals(
        n, new ObjectName("io.modelfleet:type=Replica,model=demo,version=1,id=\"demo/1/0/2\""));
    assertEquals(
        n,
        ObjectName.getInstance(
            "io.modelfleet:id=\"demo/1/0/2\",version=1,model=demo,type=Replica"));
  }

  @Test
  void theFixedNamesAndThePortSuffix() throws Exception {
    assertEquals(new ObjectName("io.modelfleet:type=Node"), JmxNames.single().node());
    assertEquals(new ObjectName("io.modelfleet:type=Cluster"), JmxNames.single().cluster());
    assertEquals(
        new ObjectName("io.modelfleet:type=Model,name=demo"), JmxNames.single().model("demo"));
    assertEquals(
        new ObjectName("io.modelfleet:type=Model,name=\"odd:name\",port=25520"),
        JmxNames.withPort(25520).model("odd:name"));
    assertEquals(
        "odd:name",
        JmxNames.unquote(JmxNames.withPort(1).model("odd:name").getKeyProperty("name")));
  }
}
