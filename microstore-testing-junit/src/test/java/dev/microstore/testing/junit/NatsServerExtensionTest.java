package dev.microstore.testing.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microstore.testing.NatsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

class NatsServerExtensionTest {

  static boolean accepts(String url) {
    URI u = URI.create(url);
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(u.getHost(), u.getPort()), 2000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Nested
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  class OnAStaticField {
    @RegisterExtension static NatsServerExtension nats = NatsServerExtension.create();
    static String firstUrl;

    @Test
    @Order(1)
    void theServerRunsAndIsInjected(NatsServer server) {
      assertThat(server.isRunning()).isTrue();
      assertThat(accepts(nats.url())).isTrue();
      assertThat(server.url()).isEqualTo(nats.url());
      firstUrl = nats.url();
    }

    @Test
    @Order(2)
    void everyTestOfTheClassSharesIt() {
      assertThat(nats.url()).isEqualTo(firstUrl);
    }

    @AfterAll
    static void stillRunningUntilTheExtensionStopsIt() {
      assertThat(accepts(firstUrl)).isTrue();
    }
  }

  @Test
  void perTest_theServerStartsBeforeEachTest_andIsStoppedAfterIt() {
    NatsServerExtension ext = NatsServerExtension.create();
    ext.beforeEach(null);
    NatsServer first = ext.server();
    assertThat(accepts(first.url())).isTrue();
    ext.afterEach(null);
    assertThat(first.isRunning()).isFalse();

    ext.beforeEach(null);
    assertThat(ext.server()).isNotSameAs(first);
    ext.afterEach(null);
  }

  @Test
  void perClass_theServerOutlivesEachTest_andIsStoppedAfterTheClass() {
    NatsServerExtension ext = NatsServerExtension.create();
    ext.beforeAll(null);
    NatsServer server = ext.server();
    ext.beforeEach(null);
    ext.afterEach(null);
    assertThat(server.isRunning()).isTrue();
    ext.afterAll(null);
    assertThat(server.isRunning()).isFalse();
  }
}
