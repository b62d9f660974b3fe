package dev.microstore.spring;

import static dev.microstore.spring.MicrostorePropertiesTest.analysis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.microstore.testing.FreePorts;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.UrlResource;
import org.springframework.core.io.support.PropertiesLoaderUtils;

/** Startup failures become a failure analysis: what is wrong, and what to do. */
class MicrostoreFailureAnalysisTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(MicrostoreAutoConfiguration.class));

  @Test
  void anUnknownProperty_failsTheStartup_namingTheClosestValidOne() {
    runner
        .withPropertyValues("microstore.url=nats://127.0.0.1:4222", "microstore.nats.pasword=x1")
        .run(
            context -> {
              FailureAnalysis analysis =
                  analysis(context, new UnknownMicrostorePropertyFailureAnalyzer());
              assertThat(analysis.getDescription())
                  .contains("Unknown property microstore.url")
                  .contains("the closest one is microstore.uri")
                  .contains("Unknown property microstore.nats.pasword")
                  .contains("the closest one is microstore.nats.password")
                  .doesNotContain("x1");
              assertThat(analysis.getAction())
                  .contains("Rename microstore.url to microstore.uri")
                  .contains("microstore.cache.ttl.*");
            });
  }

  @Test
  void theClosestProperty_preferTheSameLastSegment() {
    List<String> valid = UnknownMicrostorePropertyFailureAnalyzer.validProperties();
    assertThat(valid)
        .contains("microstore.uri", "microstore.nats.servers", "microstore.nats.ssl.bundle")
        .contains("microstore.cache.ttl.*", "microstore.cache.time-to-live");
    assertThat(UnknownMicrostorePropertyFailureAnalyzer.closest("microstore.servers", valid))
        .isEqualTo("microstore.nats.servers");
    assertThat(UnknownMicrostorePropertyFailureAnalyzer.closest("microstore.nats.ttl", valid))
        .isEqualTo("microstore.cache.ttl.*");
  }

  @Test
  void aMalformedUri_isExplained() {
    runner
        .withPropertyValues("microstore.uri=nats://127.0.0.1:4222?bogus=1")
        .run(
            context -> {
              FailureAnalysis analysis =
                  analysis(context, new MicrostoreConfigurationFailureAnalyzer());
              assertThat(analysis.getDescription())
                  .contains("microstore.uri is invalid", "\"bogus\" is unknown");
              assertThat(analysis.getAction()).contains("Correct microstore.uri");
            });
  }

  @Test
  void anUnreachableServer_isExplained() {
    int port = FreePorts.next();
    runner
        .withPropertyValues(
            "microstore.nats.servers=nats://127.0.0.1:" + port,
            "microstore.nats.connection-timeout=500ms")
        .run(
            context -> {
              FailureAnalysis analysis = analysis(context, new StoreStartupFailureAnalyzer());
              assertThat(analysis.getDescription())
                  .contains("could not be opened", "cannot connect to NATS", ":" + port);
              assertThat(analysis.getAction()).contains("Start the NATS server");
            });
  }

  @Test
  void theAnalyzers_areRegistered_andAFailedApplicationPrintsTheirAnalysis() throws Exception {
    List<String> names = new java.util.ArrayList<>();
    var resources = getClass().getClassLoader().getResources("META-INF/spring.factories");
    while (resources.hasMoreElements()) {
      var properties =
          PropertiesLoaderUtils.loadProperties(new UrlResource(resources.nextElement()));
      String value = properties.getProperty(FailureAnalyzer.class.getName(), "");
      names.addAll(List.of(value.split("\\s*,\\s*")));
    }
    assertThat(names)
        .contains(
            MicrostoreConfigurationFailureAnalyzer.class.getName(),
            UnknownMicrostorePropertyFailureAnalyzer.class.getName(),
            StoreStartupFailureAnalyzer.class.getName());

    SpringApplication application = new SpringApplication(App.class);
    application.setWebApplicationType(WebApplicationType.NONE);
    // Spring Boot reports the analysis through the logging system, on the console; keep the
    // test's Logback configuration (other tests attach appenders to it) and catch the console
    java.io.PrintStream console = System.out;
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
    System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      assertThatThrownBy(() -> application.run("--microstore.url=nats://127.0.0.1:4222").close())
          .isNotNull();
    } finally {
      System.setOut(console);
      System.clearProperty("org.springframework.boot.logging.LoggingSystem");
    }
    assertThat(printed.toString(java.nio.charset.StandardCharsets.UTF_8))
        .contains("APPLICATION FAILED TO START")
        .contains("Unknown property microstore.url")
        .contains("Rename microstore.url to microstore.uri");
  }

  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration(MicrostoreAutoConfiguration.class)
  static class App {}
}
