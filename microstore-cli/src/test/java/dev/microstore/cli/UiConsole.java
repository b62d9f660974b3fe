package dev.microstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openqa.selenium.support.ui.FluentWait;

/**
 * {@code microstore ui} run through the real command line on a thread of the test: started with
 * {@link #start}, it is stopped as Ctrl-C would, by interrupting the thread ({@link #close}).
 */
final class UiConsole implements AutoCloseable {
  private static final Pattern URL = Pattern.compile("web console at (http://\\S+)");

  private final Thread thread;
  private final StringWriter out = new StringWriter();
  private final AtomicReference<Cli.Result> result = new AtomicReference<>();
  private final String url;

  private UiConsole(Cli cli, String... args) throws InterruptedException {
    thread = new Thread(() -> result.set(cli.run(out, args)), "ui-console");
    thread.setDaemon(true);
    thread.start();
    url =
        new FluentWait<>(out)
            .withTimeout(Duration.ofSeconds(20))
            .pollingEvery(Duration.ofMillis(20))
            .withMessage(() -> "ui printed no URL; output: " + out + ", result: " + result.get())
            .until(
                o -> {
                  Matcher m = URL.matcher(o.toString());
                  if (m.find()) {
                    return m.group(1);
                  }
                  assertThat(thread.isAlive()).as("ui ended: %s", result.get()).isTrue();
                  return null;
                });
  }

  /** Runs {@code microstore <cli's global args> ui <args>} until {@link #close}. */
  static UiConsole start(Cli cli, String... args) throws InterruptedException {
    String[] all = new String[args.length + 1];
    all[0] = "ui";
    System.arraycopy(args, 0, all, 1, args.length);
    return new UiConsole(cli, all);
  }

  /** The printed URL, with its one-time access token. */
  String url() {
    return url;
  }

  /** The console's address: the URL without the token, ending in '/'. */
  String base() {
    return url.substring(0, url.indexOf('/', "http://".length()) + 1);
  }

  String output() {
    return out.toString();
  }

  @Override
  public void close() {
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(20).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for ui to stop", e);
    }
    assertThat(thread.isAlive()).as("ui still running after the interrupt").isFalse();
    assertThat(result.get().exitCode()).as(result.get().toString()).isZero();
  }
}
