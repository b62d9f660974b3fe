package dev.microstore.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.microstore.testing.StreamLeaders.Report;
import dev.microstore.testing.StreamLeaders.View;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StreamLeaderTest {

  /** Trimmed from nats-server 2.9.10's {@code /jsz?accounts=true&streams=true} on a replica. */
  private static final String JSZ_2_9 =
      "{\"server_id\":\"N\",\"streams\":2,\"meta_cluster\":{\"name\":\"c\",\"leader\":\"n1\"},"
          + "\"account_details\":[{\"name\":\"$G\",\"id\":\"$G\","
          + "\"reserved_memory\":18446744073709551615,\"api\":{\"total\":1,\"errors\":0},"
          + "\"stream_detail\":["
          + "{\"name\":\"KV_b\",\"created\":\"2026-11-30T19:28:47.2Z\",\"cluster\":{\"name\":\"c\","
          + "\"leader\":\"n2\",\"replicas\":[{\"name\":\"n2\",\"current\":true,\"lag\":1},"
          + "{\"name\":\"n3\",\"current\":false}]},\"state\":{\"messages\":0}},"
          + "{\"name\":\"R1\",\"cluster\":{\"name\":\"c\",\"leader\":\"n1\"},\"state\":{}}]}]}";

  /** Trimmed from nats-server 2.15.1's: more fields, the same shape. */
  private static final String JSZ_2_15 =
      "{\n  \"memory\": 0,\n  \"api\": {\"level\": 5, \"total\": 0},\n"
          + "  \"config\": {\"sync_interval\": 120000000000, \"strict\": true},\n"
          + "  \"account_details\": [\n    {\n      \"name\": \"A\",\n      \"id\": \"A\",\n"
          + "      \"stream_detail\": [\n        {\n          \"name\": \"KV_b\",\n"
          + "          \"cluster\": {\n            \"name\": \"c\",\n"
          + "            \"raft_group\": \"S-R3F-q5yZv8ig\",\n            \"leader\": \"n3\",\n"
          + "            \"system_account\": true,\n            \"traffic_account\": \"$SYS\",\n"
          + "            \"replicas\": [{\"name\": \"n2\", \"current\": true}]\n          },\n"
          + "          \"state\": {\"first_ts\": \"0001-01-01T00:00:00Z\"}\n        },\n"
          + "        {\"name\": \"NOLEADER\", \"cluster\": {\"name\": \"c\", \"replicas\": []}}\n"
          + "      ]\n    }\n  ],\n  \"total\": 1\n}";

  @Test
  void readsTheLeaderThatANodeReports() {
    assertThat(StreamLeaders.read(JSZ_2_9, "$G", "KV_b")).isEqualTo(new Report(View.LEADER, "n2"));
    assertThat(StreamLeaders.read(JSZ_2_9, "$G", "R1")).isEqualTo(new Report(View.LEADER, "n1"));
    assertThat(StreamLeaders.read(JSZ_2_15, "A", "KV_b")).isEqualTo(new Report(View.LEADER, "n3"));
    assertThat(StreamLeaders.read(JSZ_2_15, "A", "NOLEADER").view()).isEqualTo(View.NO_LEADER);
    assertThat(StreamLeaders.read(JSZ_2_15, "$G", "KV_b").view()).isEqualTo(View.NOT_HOSTED);
    assertThat(StreamLeaders.read(JSZ_2_9, "$G", "KV_c").view()).isEqualTo(View.NOT_HOSTED);
    assertThat(StreamLeaders.read("{\"streams\":0}", "$G", "KV_b").view())
        .isEqualTo(View.NOT_HOSTED);
    // A single server names itself.
    assertThat(
            StreamLeaders.read(
                "{\"account_details\":[{\"name\":\"$G\",\"stream_detail\":"
                    + "[{\"name\":\"S\",\"cluster\":{\"leader\":\"solo\"}}]}]}",
                "$G",
                "S"))
        .isEqualTo(new Report(View.LEADER, "solo"));
  }

  @Test
  void monitorJson_readsValuesAndRejectsWhatIsNotJson() {
    Object v =
        MonitorJson.parse(
            "{\"s\":\"a\\\"b\\u00e9\\n\",\"n\":-1.5e2,\"t\":true,\"f\":false,\"z\":null,"
                + "\"big\":18446744073709551615,\"a\":[1,{}],\"o\":{\"k\":[]}}");
    assertThat(v).isInstanceOf(Map.class);
    assertThat(MonitorJson.string(v, "s")).contains("a\"b\u00e9\n");
    assertThat(MonitorJson.field(v, "n")).contains(-150.0);
    assertThat(MonitorJson.field(v, "t")).contains(Boolean.TRUE);
    assertThat(MonitorJson.field(v, "f")).contains(Boolean.FALSE);
    assertThat(MonitorJson.field(v, "z")).containsSame(MonitorJson.NULL);
    assertThat(MonitorJson.field(v, "big")).contains("18446744073709551615");
    assertThat(MonitorJson.array(v, "a")).hasSize(2);
    assertThat(MonitorJson.array(v, "s")).isEmpty();
    assertThat(MonitorJson.string(v, "missing")).isEmpty();
    for (String bad : List.of("", "{", "{\"a\" 1}", "[1,]", "{\"a\":1} x", "tru", "\"abc")) {
      assertThatThrownBy(() -> MonitorJson.parse(bad), bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("Not JSON at offset ");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"stable", "newest"})
  void cluster_findsTheStreamLeader_notAPausedOne(String which) throws Exception {
    NatsServerBinary binary = TestSupport.binary(which);
    try (NatsCluster cluster = NatsCluster.builder().binary(binary).start()) {
      assertThat(
              TestSupport.request(
                  cluster.node(0).port(),
                  "$JS.API.STREAM.CREATE.KV_faults",
                  "{\"name\":\"KV_faults\",\"subjects\":[\"$KV.faults.>\"],"
                      + "\"storage\":\"file\",\"num_replicas\":3}"))
          .contains("stream_create_response")
          .doesNotContain("\"error\"");

      NatsServer leader =
          cluster.awaitStreamLeader(
              NatsCluster.GLOBAL_ACCOUNT, "KV_faults", Duration.ofSeconds(20));

      assertThat(cluster.nodes()).contains(leader);
      assertThat(cluster.streamLeader(NatsCluster.GLOBAL_ACCOUNT, "KV_faults")).contains(leader);
      assertThat(cluster.streamLeader(NatsCluster.GLOBAL_ACCOUNT, "KV_other")).isEmpty();
      assertThat(cluster.streamLeader("OTHER", "KV_faults")).isEmpty();
      assertThatThrownBy(
              () ->
                  cluster.awaitStreamLeader(
                      NatsCluster.GLOBAL_ACCOUNT, "KV_other", Duration.ofMillis(100)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Stream KV_other of account $G had no agreed leader within 100 ms")
          .hasMessageContaining("holds no replica");

      leader.pause();
      try {
        assertThat(cluster.streamLeader(NatsCluster.GLOBAL_ACCOUNT, "KV_faults"))
            .isNotEqualTo(Optional.of(leader));
        assertThat(cluster.toString())
            .contains(leader.serverName() + " at " + leader.url() + " (paused)");
      } finally {
        leader.resume();
      }
      assertThat(
              cluster.awaitStreamLeader(
                  NatsCluster.GLOBAL_ACCOUNT, "KV_faults", Duration.ofSeconds(20)))
          .isIn(cluster.nodes());
    }
  }
}
