package dev.microstore.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microstore.ListOptions;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.testing.NatsServer;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The separate {@code microstore.*} properties, alone and over a URI, against real servers. */
class MicrostorePropertiesTest {
  private static NatsServer server;

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(MicrostoreAutoConfiguration.class, SslAutoConfiguration.class));

  @BeforeAll
  static void startServer() {
    server = NatsServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Test
  void separateProperties_openANatsStore_withoutAUri() throws Exception {
    runner
        .withPropertyValues(
            "microstore.nats.servers=" + server.url(),
            "microstore.database=props",
            "microstore.table=orders",
            "microstore.timeout=2s",
            "microstore.nats.connection-timeout=1s",
            "microstore.nats.encode-keys=true",
            "microstore.nats.near-cache=props",
            "spring.application.name=orders-service")
        .run(
            context -> {
              Store store = context.getBean(Store.class);
              assertThat(store.toString())
                  .startsWith("nats://127.0.0.1:" + server.port() + "?database=props")
                  .contains("table=orders", "encodeKeys=true", "nearCache=props");
              store.write(Record.of("a key with spaces", "v"));
              assertThat(store.read("a key with spaces").get(0).valueAsString()).isEqualTo("v");
              assertThat(server.monitoringGet("/connz")).contains("\"name\": \"orders-service\"");
            });
  }

  @Test
  @SuppressWarnings("try") // Connection.close() may throw InterruptedException
  void separateProperties_overrideTheUrisParts() throws Exception {
    runner
        .withPropertyValues(
            // the URI's host is wrong and its database is replaced
            "microstore.uri=nats://127.0.0.1:1?database=from-uri&table=t",
            "microstore.nats.servers=" + server.url(),
            "microstore.database=from-property",
            "microstore.nats.connection-name=explicit")
        .run(
            context -> {
              Store store = context.getBean(Store.class);
              store.write(Record.of("k", "v"));
              try (Connection raw = Nats.connect(server.url())) {
                assertThat(raw.keyValue("from-property").get("t_k")).isNotNull();
              }
              assertThat(server.monitoringGet("/connz")).contains("\"name\": \"explicit\"");
            });
  }

  @Test
  void aTokenProperty_replacesTheUrisToken() {
    try (NatsServer secured =
        NatsServer.builder().extraConfig("authorization { token: \"right-token\" }").start()) {
      runner
          .withPropertyValues(
              "microstore.uri=" + secured.url() + "?token=wrong-token&database=tok",
              "microstore.nats.token=right-token")
          .run(context -> context.getBean(Store.class).write(Record.of("k", "v")));
      runner
          .withPropertyValues("microstore.uri=" + secured.url(), "microstore.nats.token=nope")
          .run(
              context -> {
                FailureAnalysis analysis = analysis(context, new StoreStartupFailureAnalyzer());
                assertThat(analysis.getDescription())
                    .contains("could not be opened", "authentication")
                    .doesNotContain("nope");
                assertThat(analysis.getAction()).contains("microstore.nats.token");
              });
    }
  }

  @Test
  void usernameAndPassword_replaceTheUrisUserInformation() {
    try (NatsServer secured =
        NatsServer.builder()
            .extraConfig("authorization { user: \"app\", password: \"right\" }")
            .start()) {
      runner
          .withPropertyValues(
              "microstore.uri=" + secured.url().replace("nats://", "nats://app:wrong@"),
              "microstore.nats.username=app",
              "microstore.nats.password=right")
          .run(
              context -> {
                Store store = context.getBean(Store.class);
                store.write(Record.of("k", "v"));
                assertThat(store.list(ListOptions.defaults())).containsExactly("k");
              });
    }
  }

  @Test
  void anSslBundle_givesTheConnectionItsSslContext() throws Exception {
    Path tls = Paths.get(getClass().getResource("/tls/server.pem").toURI()).getParent();
    try (NatsServer secured =
        NatsServer.builder()
            .extraConfig(
                "tls { cert_file: \""
                    + tls.resolve("server.pem")
                    + "\", key_file: \""
                    + tls.resolve("server-key.pem")
                    + "\" }")
            .start()) {
      runner
          .withPropertyValues(
              "microstore.nats.servers=" + secured.url(),
              "microstore.nats.ssl.bundle=nats",
              "spring.ssl.bundle.pem.nats.truststore.certificate=classpath:tls/ca.pem")
          .run(
              context -> {
                assertThat(context).hasNotFailed();
                context.getBean(Store.class).write(Record.of("k", "v"));
              });
      // without the bundle the server's certificate is not trusted
      Options plain = new Options.Builder().server(secured.url()).noReconnect().build();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Nats.connect(plain).close())
          .isInstanceOf(Exception.class);
      runner
          .withPropertyValues(
              "microstore.nats.servers=" + secured.url(), "microstore.nats.ssl.bundle=missing")
          .run(
              context -> {
                FailureAnalysis analysis =
                    analysis(context, new MicrostoreConfigurationFailureAnalyzer());
                assertThat(analysis.getDescription()).contains("microstore.nats.ssl.bundle");
                assertThat(analysis.getAction()).contains("spring.ssl.bundle.pem.missing");
              });
    }
  }

  @Test
  void theInMemoryStore_takesDatabaseAndTable_butRefusesNatsProperties() {
    runner
        .withPropertyValues("microstore.database=mem", "microstore.table=t")
        .run(
            context ->
                assertThat(context.getBean(Store.class).toString())
                    .startsWith("memory:")
                    .contains("database=mem", "table=t"));
    runner
        .withPropertyValues("microstore.uri=memory:", "microstore.nats.servers=" + server.url())
        .run(
            context -> {
              FailureAnalysis analysis =
                  analysis(context, new MicrostoreConfigurationFailureAnalyzer());
              assertThat(analysis.getDescription())
                  .contains("microstore.nats.servers is set", "in-memory store");
              assertThat(analysis.getAction()).contains("remove microstore.uri");
            });
  }

  @Test
  void aMissingCredentialsFile_failsTheStartup_namingTheProperty() {
    runner
        .withPropertyValues(
            "microstore.nats.servers=" + server.url(),
            "microstore.nats.credentials=/nonexistent/app.creds")
        .run(
            context -> {
              FailureAnalysis analysis =
                  analysis(context, new MicrostoreConfigurationFailureAnalyzer());
              assertThat(analysis.getDescription())
                  .contains(
                      "microstore.nats.credentials", "/nonexistent/app.creds", "does not exist");
              assertThat(analysis.getAction()).contains("credentials file");
            });
  }

  static FailureAnalysis analysis(
      AssertableApplicationContext context,
      org.springframework.boot.diagnostics.FailureAnalyzer analyzer) {
    assertThat(context).hasFailed();
    FailureAnalysis analysis = analyzer.analyze(context.getStartupFailure());
    assertThat(analysis).as("analysis of %s", context.getStartupFailure()).isNotNull();
    return analysis;
  }
}
