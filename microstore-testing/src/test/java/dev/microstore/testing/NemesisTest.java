package dev.microstore.testing;

import static dev.microstore.testing.RawNats.ANSWER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.microstore.testing.Nemesis.Event;
import dev.microstore.testing.Nemesis.Kind;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class NemesisTest {

  private static final Duration FAULTS_TIMEOUT = Duration.ofSeconds(30);

  @Test
  void pauseAndCut_underAWorkload_bothRun_andTheServerAnswersAfterStop() throws IOException {
    try (NatsServer server = NatsServer.builder().jetStream(false).start();
        TcpProxy proxy = TcpProxy.start(server)) {
      Nemesis nemesis =
          Nemesis.builder()
              .seed(7)
              .interval(Duration.ofMillis(100))
              .pause(server, Duration.ofMillis(200), Duration.ofMillis(500))
              .cutConnections(proxy)
              .build();
      nemesis.start();
      assertThat(nemesis.isRunning()).isTrue();
      // A workload through the proxy, for about 5 s and until both faults ran a few times.
      long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      long deadline = System.nanoTime() + FAULTS_TIMEOUT.toNanos();
      int answered = 0;
      while (System.nanoTime() - deadline < 0
          && (System.nanoTime() - end < 0
              || nemesis.counts().get(Kind.PAUSE) < 2
              || nemesis.counts().get(Kind.CUT) < 2)) {
        try (RawNats nats = RawNats.connectAndGreet(proxy.port())) {
          nats.ping();
          if (nats.await("PONG", Duration.ofSeconds(1))) {
            answered++;
          }
        } catch (IOException e) {
          // Cut while connecting: the workload goes on.
        }
      }
      nemesis.stop();

      assertThat(nemesis.isRunning()).isFalse();
      assertThat(nemesis.seed()).isEqualTo(7);
      assertThat(nemesis.counts().get(Kind.PAUSE)).isGreaterThanOrEqualTo(2);
      assertThat(nemesis.counts().get(Kind.CUT)).isGreaterThanOrEqualTo(2);
      assertThat(nemesis.counts().get(Kind.KILL)).isZero();
      assertThat(answered).isPositive();
      List<Event> events = nemesis.events();
      assertThat(events).hasSize(nemesis.counts().values().stream().mapToInt(i -> i).sum());
      assertThat(events).allSatisfy(e -> assertThat(e.failure()).isEmpty());
      assertThat(events).allSatisfy(e -> assertThat(e.end()).isAfterOrEqualTo(e.start()));
      assertThat(events)
          .filteredOn(e -> e.kind() == Kind.PAUSE)
          .allSatisfy(e -> assertThat(e.target()).isEqualTo(server.serverName()));
      assertThat(events)
          .filteredOn(e -> e.kind() == Kind.CUT)
          .allSatisfy(e -> assertThat(e.target()).contains("127.0.0.1:" + proxy.port()));
      assertThat(events.get(0).toString()).contains(events.get(0).kind().toString());
      assertThat(server.isPaused()).isFalse();
      assertThat(proxy.isBlocked()).isFalse();
      assertAnswers(server.port());
      assertAnswers(proxy.port());
    }
  }

  @Test
  void killAndRestart_restartsOnTheSameStoreDirectory() throws IOException {
    try (NatsServer server = NatsServer.start()) {
      assertThat(
              TestSupport.request(
                  server.port(),
                  "$JS.API.STREAM.CREATE.T",
                  "{\"name\":\"T\",\"subjects\":[\"t.>\"],\"storage\":\"file\"}"))
          .doesNotContain("\"error\"");
      try (Nemesis nemesis =
          Nemesis.builder()
              .interval(Duration.ofMillis(50))
              .killAndRestart(server, Duration.ZERO, Duration.ofMillis(100))
              .build()) {
        nemesis.start();
        TestSupport.await(
            FAULTS_TIMEOUT, "a kill and restart", () -> nemesis.counts().get(Kind.KILL) >= 2);
        nemesis.stop();

        assertThat(nemesis.events()).allSatisfy(e -> assertThat(e.failure()).isEmpty());
      }
      assertThat(server.isRunning()).isTrue();
      assertThat(TestSupport.jsonNumber(server.monitoringGet("/jsz"), "streams")).isEqualTo(1);
      assertAnswers(server.port());
    }
  }

  @Test
  void stop_endsTheFaultInPlaceAtOnce() {
    try (NatsServer server = NatsServer.builder().jetStream(false).start();
        TcpProxy proxy = TcpProxy.start(server);
        Nemesis nemesis =
            Nemesis.builder()
                .interval(Duration.ofMillis(10))
                .pause(server, Duration.ofMinutes(5), Duration.ofMinutes(5))
                .block(proxy, Duration.ofMinutes(5), Duration.ofMinutes(5))
                .build()) {
      nemesis.start();
      TestSupport.await(ANSWER, "a pause or a block", () -> server.isPaused() || proxy.isBlocked());

      nemesis.stop();

      assertThat(server.isPaused()).isFalse();
      assertThat(proxy.isBlocked()).isFalse();
      assertThat(nemesis.events()).hasSize(1);
      assertThat(nemesis.events().get(0).failure()).isEmpty();
      nemesis.stop(); // again: nothing
      assertThatThrownBy(nemesis::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("A nemesis starts once; this one is stopped");
    }
  }

  @Test
  void theSameSeed_makesTheSameChoices() {
    try (TcpProxy a = TcpProxy.start("127.0.0.1", FreePorts.next());
        TcpProxy b = TcpProxy.start("127.0.0.1", FreePorts.next())) {
      List<String> first = targets(a, b, 1234);
      List<String> second = targets(a, b, 1234);
      assertThat(first).isEqualTo(second).contains(targetOf(a), targetOf(b));
    }
  }

  private static List<String> targets(TcpProxy a, TcpProxy b, long seed) {
    try (Nemesis nemesis =
        Nemesis.builder()
            .seed(seed)
            .interval(Duration.ofMillis(1))
            .cutConnections(a)
            .cutConnections(b)
            .build()) {
      nemesis.start();
      TestSupport.await(ANSWER, "20 cuts", () -> nemesis.counts().get(Kind.CUT) >= 20);
      nemesis.stop();
      return nemesis.events().stream().limit(20).map(Event::target).collect(Collectors.toList());
    }
  }

  private static String targetOf(TcpProxy proxy) {
    return "proxy 127.0.0.1:" + proxy.port() + " -> " + proxy.target();
  }

  @Test
  void builder_rejectsBadArguments_withTheValueAndTheRule() {
    NatsServer server = NatsServer.builder().create(); // never started
    try (TcpProxy proxy = TcpProxy.start("127.0.0.1", FreePorts.next())) {
      Nemesis.Builder builder = Nemesis.builder();
      Duration ms200 = Duration.ofMillis(200);
      assertThatThrownBy(() -> builder.pause(server, Duration.ofSeconds(-1), ms200))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("pause duration must be positive: PT-1S");
      assertThatThrownBy(() -> builder.pause(server, Duration.ZERO, ms200))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("pause duration must be positive: PT0S");
      assertThatThrownBy(() -> builder.pause(server, ms200, Duration.ofMillis(100)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("longest pause duration must not be less than the shortest: PT0.1S < PT0.2S");
      assertThatThrownBy(() -> builder.killAndRestart(server, Duration.ofSeconds(-1), ms200))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("downtime must be zero or more: PT-1S");
      assertThatThrownBy(() -> builder.block(proxy, ms200, Duration.ofDays(2)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("longest block duration must be at most a day: PT48H");
      assertThatThrownBy(() -> builder.interval(Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("interval must be positive: PT0S");
      assertThatThrownBy(builder::build)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("a nemesis needs at least one fault");
      try (Nemesis nemesis = builder.cutConnections(proxy).build()) {
        nemesis.start();
        assertThatThrownBy(nemesis::start)
            .isInstanceOf(IllegalStateException.class)
            .hasMessage("A nemesis starts once; this one is running");
      }
    } finally {
      server.close();
    }
  }

  private static void assertAnswers(int port) throws IOException {
    try (RawNats nats = RawNats.connectAndGreet(port)) {
      nats.ping();
      assertThat(nats.await("PONG", ANSWER)).isTrue();
    }
  }
}
