package dev.microstore.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar on standard error, redrawn in place, for people at a terminal. It only
 * appears once a run has taken half a second, and is erased when the run ends. Not thread-safe.
 */
final class ProgressBar {
  static final long SHOW_AFTER_NANOS = 500_000_000L;
  private static final long REDRAW_NANOS = 100_000_000L;
  private static final int WIDTH = 30;

  private final PrintWriter err;
  private final String label;
  private final long total;
  private final boolean enabled;
  private final long showAfterNanos;
  private final long started = System.nanoTime();
  private long done;
  private long lastDrawn;
  private boolean drawn;

  ProgressBar(PrintWriter err, String label, long total, boolean enabled) {
    this(err, label, total, enabled, SHOW_AFTER_NANOS);
  }

  ProgressBar(PrintWriter err, String label, long total, boolean enabled, long showAfterNanos) {
    this.err = err;
    this.label = label;
    this.total = total;
    this.enabled = enabled && total > 0;
    this.showAfterNanos = showAfterNanos;
  }

  void step() {
    done++;
    if (!enabled) {
      return;
    }
    long now = System.nanoTime();
    if (now - started < showAfterNanos
        || (drawn && now - lastDrawn < REDRAW_NANOS && done < total)) {
      return;
    }
    lastDrawn = now;
    drawn = true;
    err.print("\r" + render(done, total, label));
    err.flush();
  }

  /** Erases the bar, if it was drawn. */
  void finish() {
    if (drawn) {
      err.print("\r" + " ".repeat(render(total, total, label).length()) + "\r");
      err.flush();
      drawn = false;
    }
  }

  static String render(long done, long total, String label) {
    int filled = total == 0 ? WIDTH : (int) (WIDTH * done / total);
    return String.format(
        Locale.ROOT,
        "%s [%s%s] %d/%d %3d%%",
        label,
        "#".repeat(filled),
        "-".repeat(WIDTH - filled),
        done,
        total,
        total == 0 ? 100 : 100 * done / total);
  }
}
