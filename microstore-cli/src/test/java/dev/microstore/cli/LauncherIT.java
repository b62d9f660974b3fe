package dev.microstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: runs the {@code ./microstore} launcher of the repository root as a process, the way a
 * user does, after {@code package} built the jar.
 */
class LauncherIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path LAUNCHER = ROOT.resolve("microstore");
  private static final Pattern LISTENING =
      Pattern.compile("listening at nats://127\\.0\\.0\\.1:(\\d+), pid (\\d+)");

  @Test
  void demo_exits0_andLeavesNoServerRunning(@TempDir Path tmp) throws Exception {
    Path log = tmp.resolve("demo.log");
    Process demo = start(log, "demo");
    assertThat(demo.waitFor(3, TimeUnit.MINUTES)).as("demo finished in 3 minutes").isTrue();
    String output = Files.readString(log);
    assertThat(demo.exitValue()).as(output).isZero();
    assertThat(output)
        .contains("1. Start a NATS server with JetStream")
        .contains("Write records into two databases")
        .contains("Compare-and-set")
        .contains("Watch changes as they happen")
        .contains("History of a key")
        .contains("Stop the server")
        .contains("demo databases left: []");
    Matcher m = LISTENING.matcher(output);
    assertThat(m.find()).as(output).isTrue();
    assertServerGone(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)));
  }

  @Test
  void demo_interrupted_stopsItsServer(@TempDir Path tmp) throws Exception {
    Path log = tmp.resolve("demo.log");
    Process demo = start(log, "demo");
    Matcher m = awaitLine(log, LISTENING, demo);
    demo.destroy(); // SIGTERM runs the shutdown hooks, as Ctrl-C does
    assertThat(demo.waitFor(1, TimeUnit.MINUTES)).isTrue();
    assertServerGone(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)));
  }

  @Test
  void server_runsUntilInterrupted(@TempDir Path tmp) throws Exception {
    int port = dev.microstore.testing.FreePorts.next();
    Path log = tmp.resolve("server.log");
    Process server =
        start(
            log,
            "server",
            "--port",
            Integer.toString(port),
            "--data",
            tmp.resolve("data").toString());
    Matcher m =
        awaitLine(
            log,
            Pattern.compile("ready at nats://127\\.0\\.0\\.1:" + port + " \\(pid (\\d+)"),
            server);
    Path write = tmp.resolve("write.log");
    Process writer = start(write, "--server", "nats://127.0.0.1:" + port, "write", "k", "v");
    assertThat(writer.waitFor(1, TimeUnit.MINUTES)).isTrue();
    assertThat(writer.exitValue()).as(Files.readString(write)).isZero();
    assertThat(Files.readString(write)).contains("wrote k (revision 1)");
    server.destroy();
    assertThat(server.waitFor(1, TimeUnit.MINUTES)).isTrue();
    assertServerGone(port, Long.parseLong(m.group(1)));
  }

  @Test
  void version_andExitCodesPassThroughTheLauncher(@TempDir Path tmp) throws Exception {
    Path log = tmp.resolve("version.log");
    Process version = start(log, "--version");
    assertThat(version.waitFor(1, TimeUnit.MINUTES)).isTrue();
    assertThat(version.exitValue()).isZero();
    assertThat(Files.readString(log))
        .contains("microstore " + System.getProperty("microstore.test.version") + "\n");
    Process missing = start(tmp.resolve("missing.log"), "--store", "memory:", "read", "nope");
    assertThat(missing.waitFor(1, TimeUnit.MINUTES)).isTrue();
    assertThat(missing.exitValue()).isEqualTo(ExitCodes.NOT_FOUND);
  }

  private static Process start(Path log, String... args) throws IOException {
    List<String> command = new java.util.ArrayList<>();
    command.add(LAUNCHER.toString());
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .directory(ROOT.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  private static Matcher awaitLine(Path log, Pattern pattern, Process process) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (System.nanoTime() < deadline) {
      String text = Files.readString(log, StandardCharsets.UTF_8);
      Matcher m = pattern.matcher(text);
      if (m.find()) {
        return m;
      }
      if (!process.isAlive()) {
        throw new AssertionError(
            "exited with " + process.exitValue() + " before " + pattern + ":\n" + text);
      }
      Thread.sleep(100);
    }
    process.destroyForcibly();
    throw new AssertionError("no " + pattern + " in:\n" + Files.readString(log));
  }

  private static void assertServerGone(int port, long pid) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline
        && (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) || accepts(port))) {
      Thread.sleep(100);
    }
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
        .as("nats-server pid " + pid + " is still running")
        .isFalse();
    assertThat(accepts(port)).as("port " + port + " still accepts connections").isFalse();
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
