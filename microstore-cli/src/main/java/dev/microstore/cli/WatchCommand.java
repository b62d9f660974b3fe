package dev.microstore.cli;

import dev.microstore.ChangeEvent;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.StoreException;
import dev.microstore.Watch;
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
      "JSON lines are records with an 'op' member after the key: put, delete or expire."
    })
final class WatchCommand extends BaseCommand {
  @Option(names = "--prefix", paramLabel = "P", description = "Only keys starting with P.")
  String prefix = "";

  @Option(names = "--initial", description = "Print the current records first.")
  boolean initial;

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
    if (count != null && count <= 0) {
      throw ExitException.invalidInput("--count " + count + " is invalid: it must be positive");
    }
    WatchOptions.Builder options = storeOptions().watch().prefix(prefix);
    if (initial) {
      options.includeInitial();
    }
    BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    int printed = 0;
    try (Store store = openStore()) {
      Watch watch = store.watch(options.build(), new QueueingListener(queue));
      try {
        while (count == null || printed < count) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            break;
          }
          Object next =
              queue.poll(Math.min(left, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
          if (next == null) {
            continue;
          }
          if (next instanceof StoreException) {
            throw (StoreException) next;
          }
          print((ChangeEvent) next);
          printed++;
        }
      } finally {
        watch.close();
      }
    }
    return ExitCodes.OK;
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
