package dev.microstore.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShutdownHookTest {

  @Test
  void aServerThatIsNeverClosedIsKilledWhenTheJvmExits() throws Exception {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = location(NatsServer.class) + File.pathSeparator + location(LeakyMain.class);
    Process child =
        new ProcessBuilder(javaBin, "-cp", classPath, LeakyMain.class.getName())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String line;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      line = out.readLine();
    }
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).isZero();
    assertThat(line).isNotNull();

    long pid = Long.parseLong(line.substring(0, line.indexOf(' ')));
    Path tempDir = Path.of(line.substring(line.indexOf(' ') + 1));
    TestSupport.await(
        Duration.ofSeconds(10),
        "nats-server " + pid + " to be gone",
        () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    assertThat(Files.exists(tempDir)).isFalse();
  }

  private static String location(Class<?> type) throws URISyntaxException {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }
}
