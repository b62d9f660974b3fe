package dev.microstore.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Sends {@code SIGSTOP} and {@code SIGCONT} to a process. Java cannot send these itself, so this
 * runs the system's {@code kill} command, waiting a bounded time for it.
 */
final class Signals {

  /** How long to wait for the {@code kill} command, and for a stopped process to show as such. */
  static final Duration TIMEOUT = Duration.ofSeconds(5);

  private Signals() {}

  /**
   * Stops (freezes) the process with {@code SIGSTOP}; on Linux, also waits until the kernel reports
   * it stopped, so it answers nothing once this returns.
   *
   * @throws IllegalStateException if the signal cannot be sent
   */
  static void stop(long pid) {
    send("STOP", pid);
    awaitState(pid, true);
  }

  /**
   * Continues a stopped process with {@code SIGCONT}.
   *
   * @throws IllegalStateException if the signal cannot be sent
   */
  static void resume(long pid) {
    send("CONT", pid);
    awaitState(pid, false);
  }

  private static void send(String signal, long pid) {
    ProcessBuilder pb =
        new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true);
    Process kill;
    try {
      kill = pb.start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot run `kill -" + signal + " " + pid + "`: " + e.getMessage(), e);
    }
    try {
      kill.getOutputStream().close();
      if (!kill.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        kill.destroyForcibly();
        throw new IllegalStateException(
            "`kill -" + signal + " " + pid + "` did not end within " + TIMEOUT.toSeconds() + " s");
      }
      if (kill.exitValue() != 0) {
        String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        throw new IllegalStateException(
            "`kill -"
                + signal
                + " "
                + pid
                + "` failed with status "
                + kill.exitValue()
                + ": "
                + output.trim());
      }
    } catch (InterruptedException e) {
      kill.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while sending SIG" + signal + " to " + pid, e);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read `kill -" + signal + " " + pid + "`'s output", e);
    }
  }

  /**
   * Where {@code /proc/<pid>/stat} exists (Linux), polls it until the process is stopped ({@code
   * T}) or not; elsewhere returns at once. Gives up quietly after {@link #TIMEOUT}: the signal was
   * sent, and a process that ended meanwhile has no state to wait for.
   */
  private static void awaitState(long pid, boolean stopped) {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() - deadline < 0) {
      String text;
      try {
        text = Files.readString(stat, StandardCharsets.UTF_8);
      } catch (IOException e) {
        return;
      }
      // The state is the first field after the command name, which is in parentheses.
      int close = text.lastIndexOf(')');
      if (close < 0 || close + 2 >= text.length()) {
        return;
      }
      char state = text.charAt(close + 2);
      if ((state == 'T') == stopped || state == 'Z' || state == 'X') {
        return;
      }
      Support.pause(5);
    }
  }
}
