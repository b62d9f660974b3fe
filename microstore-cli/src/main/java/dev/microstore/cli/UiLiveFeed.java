package dev.microstore.cli;

import dev.microstore.ChangeEvent;
import dev.microstore.Store;
import dev.microstore.StoreException;
import dev.microstore.Watch;
import dev.microstore.WatchListener;
import dev.microstore.WatchOptions;
import dev.microstore.internal.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live feed of a database's changes: Server-Sent Events fed by a {@link Store#watch watch}.
 * Each change is an event {@code change} whose id is its revision and whose data is the change as
 * {@link RecordJson} writes it; a watch failure is an event {@code failure} and ends the feed.
 *
 * <p>The watch runs before the answer's headers are sent, so every change after the browser's
 * {@code open} event is delivered. The page asks for the changes after the database's revision when
 * it was made ({@code ?from=N}); a resumed feed ({@code ?from=N}, or the browser's {@code
 * Last-Event-ID} when it reconnects by itself, whichever is later) starts at that revision, so a
 * pause loses nothing the database still holds. A comment is sent when nothing happened for a
 * heartbeat, so a browser that went away is noticed (the write fails) and its watch closed within a
 * heartbeat or two.
 */
final class UiLiveFeed {
  /** Changes waiting for a slow browser; past this the feed ends and the browser resumes it. */
  static final int MAX_PENDING = 10_000;

  /** Feeds open at once; each holds a thread and a watch. */
  static final int MAX_FEEDS = 16;

  private final Store store;
  private final Duration heartbeat;
  private final AtomicInteger open = new AtomicInteger();
  private volatile boolean stopped;

  UiLiveFeed(Store store, Duration heartbeat) {
    this.store = store;
    this.heartbeat = heartbeat;
  }

  /** How many feeds are open. */
  int open() {
    return open.get();
  }

  /** Ends every feed within a heartbeat; new ones end at once. */
  void stop() {
    stopped = true;
  }

  void stream(UiRequest r, String db) throws IOException {
    // a watch of a missing database would create it: a GET changes nothing
    if (store.info(db).isEmpty()) {
      throw UiException.notFound("Database \"" + db + "\" does not exist.");
    }
    if (open.get() >= MAX_FEEDS) {
      throw new UiException(
          429,
          "Too many live feeds are open ("
              + MAX_FEEDS
              + "): close other pages of this console, then reload.");
    }
    String table = r.param("table");
    long from = r.longParam("from", 0);
    String lastEventId = r.header("Last-Event-ID");
    if (lastEventId != null && lastEventId.matches("\\d{1,18}")) {
      // the browser reconnecting by itself repeats the first URL: the last event it saw wins
      from = Math.max(from, Long.parseLong(lastEventId) + 1);
    }
    WatchOptions.Builder options = WatchOptions.builder().database(db);
    if (table != null && !table.isBlank()) {
      options.table(table);
    }
    if (from > 0) {
      options.fromRevision(from);
    }
    BlockingQueue<Object> queue = new LinkedBlockingQueue<>(MAX_PENDING);
    Watch watch = store.watch(options.build(), new Enqueue(queue));
    open.incrementAndGet();
    try (OutputStream out = r.stream(200, "text/event-stream; charset=utf-8")) {
      send(out, ": watching\n\n");
      while (!stopped) {
        Object next = queue.poll(heartbeat.toMillis(), TimeUnit.MILLISECONDS);
        if (next == null) {
          send(out, ": still here\n\n");
        } else if (next instanceof ChangeEvent) {
          ChangeEvent e = (ChangeEvent) next;
          send(
              out,
              "id: " + e.revision() + "\nevent: change\ndata: " + RecordJson.toJson(e) + "\n\n");
        } else {
          StringBuilder data = new StringBuilder("{\"message\":");
          Json.writeString(data, next.toString());
          send(out, "event: failure\ndata: " + data.append('}') + "\n\n");
          break;
        }
      }
    } catch (IOException browserLeft) {
      // the browser closed the feed (paused, left the page): the watch is closed below
    } catch (InterruptedException stopping) {
      Thread.currentThread().interrupt();
    } finally {
      watch.close();
      open.decrementAndGet();
    }
  }

  private static void send(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** Hands the watch's events to the feed's thread; a failure or an overflow ends the feed. */
  private static final class Enqueue implements WatchListener {
    private final BlockingQueue<Object> queue;

    Enqueue(BlockingQueue<Object> queue) {
      this.queue = queue;
    }

    @Override
    public void onEvent(ChangeEvent event) {
      if (!queue.offer(event)) {
        queue.clear();
        queue.offer("too many changes at once for this page: reload it to go on");
      }
    }

    @Override
    public void onError(StoreException error) {
      queue.offer("the watch stopped: " + ErrorHandler.message(error));
    }
  }
}
