package dev.microstore.cli;

import dev.microstore.ChangeEvent;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.StoreException;
import dev.microstore.Watch;
import dev.microstore.WatchGapException;
import dev.microstore.WatchListener;
import dev.microstore.WatchOptions;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code watch}: prints every change as it happens. */
@Command(
    name = "watch",
    header = "Print changes of a database (or table) as they happen.",
    description = {
      "Runs until --count events were printed, --timeout passed (both exit 0), or Ctrl-C.",
      "JSON lines are records with an 'op' member after the key: put, delete or expire.",
      "Every line carries the change's revision: to go on where a watch stopped, run it again",
      "with --from-revision set to the last revision printed + 1.",
      "Exits with 5 when the database no longer holds a change the watch had still to print",
      "(removed by the database's limits, history depth or a purge, or the database deleted);",
      "with 1 when the watch fails otherwise; either way after every change before the failure."
    })
final class WatchCommand extends BaseCommand {
  @Option(names = "--prefix", paramLabel = "P", description = "Only keys starting with P.")
  String prefix = "";

  @Option(names = "--initial", description = "Print the current records first.")
  boolean initial;

  @Option(
      names = "--from-revision",
      paramLabel = "N",
      description =
          "Print every change with revision N or later first, then live changes (revisions start"
              + " at 1; not with --initial).")
  @Nullable Long fromRevision;

  @Option(names = "--count", paramLabel = "N", description = "Stop after N events.")
  @Nullable Integer count;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = Durations.class,
      description = "Stop after this long (e.g. 30s).")
  @Nullable Duration timeout;

  @Override
  int execute() throws InterruptedException {
    WatchOptions options = options();
    try (Store store = openStore()) {
      return follow(store, options);
    }
  }

  /** The watch options of the command line; invalid combinations are invalid input. */
  WatchOptions options() {
    if (count != null && count <= 0) {
      throw ExitException.invalidInput("--count " + count + " is invalid: it must be positive");
    }
    if (fromRevision != null && fromRevision < 1) {
      throw ExitException.invalidInput(
          "--from-revision " + fromRevision + " is invalid: revisions start at 1");
    }
    if (initial && fromRevision != null) {
      throw ExitException.invalidInput(
          "--initial and --from-revision cannot be combined: a watch starts either with the"
              + " current records or at a revision");
    }
    WatchOptions.Builder options = storeOptions().watch().prefix(prefix);
    if (initial) {
      options.includeInitial();
    }
    if (fromRevision != null) {
      options.fromRevision(fromRevision);
    }
    return options.build();
  }

  /**
   * Watches the store and prints each event until --count or --timeout; an error reported to the
   * listener ends the command (after every event before it was printed).
   */
  int follow(Store store, WatchOptions options) throws InterruptedException {
    BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    int printed = 0;
    Watch watch = store.watch(options, new QueueingListener(queue));
    try {
      while (count == null || printed < count) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        Object next = queue.poll(Math.min(left, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
        if (next == null) {
          continue;
        }
        if (next instanceof StoreException) {
          throw stopped((StoreException) next);
        }
        print((ChangeEvent) next);
        printed++;
      }
    } finally {
      watch.close();
    }
    return ExitCodes.OK;
  }

  /** The failure that ends the command when the watch reports an error. */
  static ExitException stopped(StoreException error) {
    if (error instanceof WatchGapException) {
      WatchGapException gap = (WatchGapException) error;
      long missed = gap.firstMissedRevision();
      return new ExitException(
          ExitCodes.WATCH_GAP,
          "the watch stopped: database \""
              + gap.database()
              + "\" no longer holds revision "
              + missed
              + " (and maybe later ones), which the watch had still to print; every change before"
              + " it was printed ("
              + ErrorHandler.message(gap)
              + "). Run watch --initial to start over from the current records, or watch"
              + " --from-revision with a revision the database still holds to go on without the"
              + " lost changes",
          gap);
    }
    return new ExitException(
        ExitCodes.STORE_FAILURE, "the watch stopped: " + ErrorHandler.message(error), error);
  }

  private void print(ChangeEvent e) {
    if (json()) {
      out().println(RecordJson.toJson(e));
    } else {
      out().println(textLine(e));
    }
    out().flush();
  }

  /** One event for people: op, key, revision, then for a put the value and metadata. */
  static String textLine(ChangeEvent e) {
    StringBuilder sb =
        new StringBuilder(
            String.format(
                "%-6s %s  (revision %d)", RecordJson.opName(e.op()), e.key(), e.revision()));
    Record r = e.record().orElse(null);
    if (r != null) {
      sb.append("  ").append(RecordText.preview(r));
      if (!r.metadata().isEmpty()) {
        sb.append("  ").append(RecordText.metadata(r.metadata()));
      }
      if (!r.expiry().isZero()) {
        sb.append("  expires in ").append(RecordText.expiry(r.expiry()));
      }
    }
    return sb.toString();
  }

  /** Hands events and the terminal error to the command's thread. */
  private static final class QueueingListener implements WatchListener {
    private final BlockingQueue<Object> queue;

    QueueingListener(BlockingQueue<Object> queue) {
      this.queue = queue;
    }

    @Override
    public void onEvent(ChangeEvent event) {
      queue.add(event);
    }

    @Override
    public void onError(StoreException error) {
      queue.add(error);
    }
  }
}
