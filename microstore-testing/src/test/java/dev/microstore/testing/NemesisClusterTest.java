package dev.microstore.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microstore.testing.Nemesis.Event;
import dev.microstore.testing.Nemesis.Kind;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class NemesisClusterTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Test
  void killStreamLeader_killsTheNodeLeadingTheStream_andRestartsIt() throws Exception {
    try (NatsCluster cluster = NatsCluster.start(3)) {
      assertThat(
              TestSupport.request(
                  cluster.node(0).port(),
                  "$JS.API.STREAM.CREATE.KV_nemesis",
                  "{\"name\":\"KV_nemesis\",\"subjects\":[\"$KV.nemesis.>\"],"
                      + "\"storage\":\"file\",\"num_replicas\":3}"))
          .doesNotContain("\"error\"");
      NatsServer firstLeader =
          cluster.awaitStreamLeader(NatsCluster.GLOBAL_ACCOUNT, "KV_nemesis", TIMEOUT);

      try (Nemesis nemesis =
          Nemesis.builder()
              .seed(1)
              .interval(Duration.ofMillis(100))
              .killStreamLeader(
                  cluster,
                  NatsCluster.GLOBAL_ACCOUNT,
                  "KV_nemesis",
                  Duration.ZERO,
                  Duration.ofMillis(200))
              .build()) {
        nemesis.start();
        TestSupport.await(
            TIMEOUT,
            "a stream leader killed",
            () -> nemesis.counts().get(Kind.KILL_STREAM_LEADER) >= 1);
        nemesis.stop();

        Event first = nemesis.events().get(0);
        assertThat(first.kind()).isEqualTo(Kind.KILL_STREAM_LEADER);
        assertThat(first.failure()).isEmpty();
        assertThat(first.target())
            .isEqualTo(firstLeader.serverName() + " (leader of $G > KV_nemesis)");
      }
      assertThat(cluster.nodes()).allMatch(NatsServer::isRunning);
      cluster.awaitReady(TIMEOUT);
      assertThat(cluster.awaitStreamLeader(NatsCluster.GLOBAL_ACCOUNT, "KV_nemesis", TIMEOUT))
          .isIn(cluster.nodes());
    }
  }
}
