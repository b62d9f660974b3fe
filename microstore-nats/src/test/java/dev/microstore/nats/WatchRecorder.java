package dev.microstore.nats;

import static org.awaitility.Awaitility.await;

import dev.microstore.ChangeEvent;
import dev.microstore.StoreException;
import dev.microstore.WatchGapException;
import dev.microstore.WatchListener;
import io.nats.client.Connection;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.StreamInfo;
import io.nats.client.impl.Headers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Records what a watch delivers, and checks it against what the server committed: every change of
 * the watched keys, in revision order, once. "Committed" is read from the bucket's stream after the
 * fact ({@link #committed}), not taken from what writers believe, so writes whose outcome was
 * unknown during a fault count exactly as they landed.
 *
 * <p>Thread-safe.
 */
final class WatchRecorder implements WatchListener {

  /** One change as the check compares it: the revision (stream sequence), the key, the op. */
  record Change(long revision, String key, ChangeEvent.Op op) {
    @Override
    public String toString() {
      return op + " " + key + "@" + revision;
    }
  }

  private final String name;
  private final Consumer<ChangeEvent> before;
  private final List<Change> events = new ArrayList<>(); // guarded by this
  private long[] arrivals = new long[1024]; // System.nanoTime() of each event; guarded by this
  private final AtomicReference<@Nullable StoreException> error = new AtomicReference<>();
  private final AtomicInteger errors = new AtomicInteger();
  private final AtomicInteger eventsAfterError = new AtomicInteger();
  private final AtomicInteger inCallback = new AtomicInteger();
  private final AtomicInteger overlappingCallbacks = new AtomicInteger();
  private volatile long lastRevision;

  /**
   * A recorder.
   *
   * @param name the watch's name in failure messages
   * @param before runs on the listener's thread before each event is recorded (to slow the listener
   *     down or block it)
   */
  WatchRecorder(String name, Consumer<ChangeEvent> before) {
    this.name = name;
    this.before = before;
  }

  WatchRecorder(String name) {
    this(name, e -> {});
  }

  @Override
  public void onEvent(ChangeEvent event) {
    enter();
    try {
      before.accept(event);
      if (error.get() != null) {
        eventsAfterError.incrementAndGet();
      }
      long now = System.nanoTime();
      synchronized (this) {
        if (events.size() == arrivals.length) {
          arrivals = java.util.Arrays.copyOf(arrivals, arrivals.length * 2);
        }
        arrivals[events.size()] = now;
        events.add(new Change(event.revision(), event.key(), event.op()));
      }
      lastRevision = event.revision();
    } finally {
      inCallback.decrementAndGet();
    }
  }

  @Override
  public void onError(StoreException e) {
    enter();
    try {
      errors.incrementAndGet();
      error.compareAndSet(null, e);
    } finally {
      inCallback.decrementAndGet();
    }
  }

  private void enter() {
    if (inCallback.incrementAndGet() > 1) {
      overlappingCallbacks.incrementAndGet();
    }
  }

  String name() {
    return name;
  }

  /** The revision of the last event delivered, 0 before the first. */
  long lastRevision() {
    return lastRevision;
  }

  synchronized int count() {
    return events.size();
  }

  /**
   * The delivery rate from the first event delivered at or after {@code since} (a {@link
   * System#nanoTime()}) to the last one: events per second, and over how many events and
   * milliseconds; zeros when fewer than two events came since.
   */
  synchronized long[] rateSince(long since) {
    int from = 0;
    while (from < events.size() && arrivals[from] - since < 0) {
      from++;
    }
    int n = events.size() - from;
    if (n < 2) {
      return new long[] {0, n, 0};
    }
    long nanos = arrivals[events.size() - 1] - arrivals[from];
    long perSecond = nanos == 0 ? 0 : Math.round((n - 1) / (nanos / 1e9));
    return new long[] {perSecond, n, TimeUnit.NANOSECONDS.toMillis(nanos)};
  }

  /** The {@link System#nanoTime()} of the first event delivered at or after {@code since}, or 0. */
  synchronized long firstArrivalSince(long since) {
    for (int i = 0; i < events.size(); i++) {
      if (arrivals[i] - since >= 0) {
        return arrivals[i];
      }
    }
    return 0;
  }

  synchronized List<Change> events() {
    return new ArrayList<>(events);
  }

  @Nullable StoreException error() {
    return error.get();
  }

  /**
   * Waits until the watch has delivered {@code revision} (or a later one) or failed.
   *
   * @return false when it did neither within {@code atMost}
   */
  boolean awaitRevision(long revision, Duration atMost) {
    try {
      await()
          .atMost(atMost)
          .pollInterval(Duration.ofMillis(5))
          .until(() -> lastRevision >= revision || error.get() != null);
      return true;
    } catch (ConditionTimeoutException e) {
      return false;
    }
  }

  /** Waits until the watch has failed; false when it did not within {@code atMost}. */
  boolean awaitError(Duration atMost) {
    try {
      await().atMost(atMost).pollInterval(Duration.ofMillis(5)).until(() -> error.get() != null);
      return true;
    } catch (ConditionTimeoutException e) {
      return false;
    }
  }

  // ------------------------------------------------------------------ checks

  /**
   * Asserts that the watch delivered exactly {@code committed} (the changes of its keys, in
   * revision order), each once, and reported no error.
   */
  void assertDeliveredExactly(List<Change> committed) {
    List<Change> delivered = events();
    String problem = firstDifference(committed, delivered, true);
    if (problem == null && error.get() != null) {
      problem = "the watch failed: " + error.get();
    }
    if (problem == null) {
      problem = callbackProblem();
    }
    if (problem != null) {
      throw new AssertionError(summary(committed, delivered) + problem);
    }
  }

  /**
   * Asserts that the watch delivered a prefix of {@code expected} (every change it had to deliver,
   * as committed, including those the database no longer holds), in order, each once, and then
   * ended with one {@link WatchGapException} whose first missed revision is the next expected
   * revision, and delivered nothing after it.
   *
   * @return the gap
   */
  WatchGapException assertPrefixThenGap(List<Change> expected, String database) {
    if (expected.isEmpty()) {
      throw new IllegalArgumentException("a gap needs the changes the watch had to deliver");
    }
    List<Change> delivered = events();
    String problem = firstDifference(expected, delivered, false);
    StoreException e = error.get();
    if (problem == null) {
      if (e == null) {
        problem =
            "no WatchGapException: the watch delivered "
                + delivered.size()
                + " of "
                + expected.size()
                + " changes and reported no error";
      } else if (!(e instanceof WatchGapException)) {
        problem = "the watch failed with " + e + " instead of a WatchGapException";
      } else {
        WatchGapException gap = (WatchGapException) e;
        boolean allDelivered = delivered.size() == expected.size();
        long next =
            allDelivered
                ? expected.get(expected.size() - 1).revision() + 1
                : expected.get(delivered.size()).revision();
        if (allDelivered ? gap.firstMissedRevision() < next : gap.firstMissedRevision() != next) {
          problem =
              "WatchGapException.firstMissedRevision is "
                  + gap.firstMissedRevision()
                  + ", but the first change not delivered is revision "
                  + next
                  + " (last delivered "
                  + (delivered.isEmpty() ? "none" : delivered.get(delivered.size() - 1))
                  + ")";
        } else if (!gap.database().equals(database)) {
          problem = "WatchGapException.database is " + gap.database() + ", not " + database;
        } else if (errors.get() != 1) {
          problem = "onError was called " + errors.get() + " times";
        } else if (eventsAfterError.get() != 0) {
          problem = eventsAfterError.get() + " events were delivered after onError";
        }
      }
    }
    if (problem == null) {
      problem = callbackProblem();
    }
    if (problem != null) {
      throw new AssertionError(summary(expected, delivered) + problem);
    }
    return (WatchGapException) e;
  }

  private @Nullable String callbackProblem() {
    return overlappingCallbacks.get() == 0
        ? null
        : overlappingCallbacks.get() + " callbacks ran while another one of the watch was running";
  }

  private String summary(List<Change> expected, List<Change> delivered) {
    return "watch "
        + name
        + ": expected "
        + expected.size()
        + " changes"
        + (expected.isEmpty()
            ? ""
            : " (revisions "
                + expected.get(0).revision()
                + ".."
                + expected.get(expected.size() - 1).revision()
                + ")")
        + ", delivered "
        + delivered.size()
        + (delivered.isEmpty()
            ? ""
            : " (first "
                + delivered.get(0).revision()
                + ", last "
                + delivered.get(delivered.size() - 1).revision()
                + ")")
        + (error.get() == null ? "" : ", error " + error.get())
        + ": ";
  }

  /**
   * The first way {@code delivered} differs from {@code expected}: a duplicate, a revision out of
   * order, a missing revision, a wrong key or op, a revision that was not expected; null when they
   * are equal (or, unless {@code complete}, when delivered is a prefix of expected).
   */
  static @Nullable String firstDifference(
      List<Change> expected, List<Change> delivered, boolean complete) {
    Map<Long, Integer> firstAt = new HashMap<>();
    for (int j = 0; j < delivered.size(); j++) {
      Change d = delivered.get(j);
      Integer earlier = firstAt.putIfAbsent(d.revision(), j);
      if (earlier != null) {
        return "duplicate: revision "
            + d.revision()
            + " delivered as event #"
            + earlier
            + " and again as event #"
            + j
            + " ("
            + d
            + ")";
      }
      if (j > 0 && d.revision() < delivered.get(j - 1).revision()) {
        return "out of order: event #"
            + j
            + " "
            + d
            + " came after "
            + delivered.get(j - 1)
            + context(delivered, j);
      }
    }
    int i = 0;
    int j = 0;
    while (i < expected.size() && j < delivered.size()) {
      Change e = expected.get(i);
      Change d = delivered.get(j);
      if (e.revision() == d.revision()) {
        if (!e.equals(d)) {
          return "wrong change at revision "
              + e.revision()
              + ": committed "
              + e
              + ", delivered "
              + d;
        }
        i++;
        j++;
      } else if (d.revision() > e.revision()) {
        int missing = 0;
        while (i + missing < expected.size()
            && expected.get(i + missing).revision() < d.revision()) {
          missing++;
        }
        return "missing: committed "
            + e
            + " was not delivered; after "
            + (j == 0 ? "the start" : delivered.get(j - 1).toString())
            + " the watch delivered "
            + d
            + " (event #"
            + j
            + "), skipping "
            + missing
            + " committed change(s)";
      } else {
        return "not committed: the watch delivered "
            + d
            + " (event #"
            + j
            + "), which is not a committed change of the watched keys (next committed: "
            + e
            + ")";
      }
    }
    if (j < delivered.size()) {
      return "not committed: the watch delivered "
          + delivered.get(j)
          + " (event #"
          + j
          + ") after the last committed change "
          + (expected.isEmpty() ? "(none)" : expected.get(expected.size() - 1).toString());
    }
    if (complete && i < expected.size()) {
      return "missing at the end: "
          + (expected.size() - i)
          + " committed change(s) not delivered, from "
          + expected.get(i)
          + " to "
          + expected.get(expected.size() - 1)
          + "; last delivered "
          + (delivered.isEmpty() ? "none" : delivered.get(delivered.size() - 1).toString());
    }
    return null;
  }

  private static String context(List<Change> delivered, int j) {
    return "; around it: "
        + delivered.subList(Math.max(0, j - 3), Math.min(delivered.size(), j + 3));
  }

  // ------------------------------------------------------------------ committed, from the server

  /**
   * Every change the bucket's stream holds for the keys a watch of {@code table} and {@code prefix}
   * sees, in stream order: read with a plain jnats ordered consumer from the first to the last
   * sequence (removed messages are skipped by the server), keys made relative to the table as the
   * store does ({@code <table>_<prefix>}, keys not encoded).
   *
   * @param table the watched table, or null for none
   */
  static List<Change> committed(Connection nc, String db, @Nullable String table, String prefix)
      throws Exception {
    String stream = "KV_" + db;
    String subjectPrefix = "$KV." + db + ".";
    String scope = table == null ? "" : table + "_";
    String wanted = scope + prefix;
    StreamInfo info = nc.jetStreamManagement().getStreamInfo(stream);
    long last = info.getStreamState().getLastSequence();
    List<Change> out = new ArrayList<>();
    if (info.getStreamState().getMsgCount() == 0) {
      return out;
    }
    JetStreamSubscription sub =
        nc.jetStream()
            .subscribe(
                subjectPrefix + ">",
                PushSubscribeOptions.builder().stream(stream).ordered(true).build());
    try {
      long seq = 0;
      while (seq < last) {
        Message m = sub.nextMessage(Duration.ofSeconds(10));
        if (m == null) {
          throw new AssertionError(
              "reading stream " + stream + " stalled after sequence " + seq + " of " + last);
        }
        seq = m.metaData().streamSequence();
        String key = m.getSubject().substring(subjectPrefix.length());
        if (key.startsWith(wanted)) {
          out.add(new Change(seq, key.substring(scope.length()), op(m.getHeaders())));
        }
      }
    } finally {
      sub.unsubscribe();
    }
    return out;
  }

  /** The op of a KV message, as the watch contract reports it. */
  private static ChangeEvent.Op op(@Nullable Headers h) {
    if (h == null) {
      return ChangeEvent.Op.PUT;
    }
    String op = h.getFirst("KV-Operation");
    boolean marker = h.getFirst("Nats-Marker-Reason") != null;
    if (!"DEL".equals(op) && !"PURGE".equals(op) && !marker) {
      return ChangeEvent.Op.PUT;
    }
    return marker || h.getFirst("Microstore-Expired") != null
        ? ChangeEvent.Op.EXPIRE
        : ChangeEvent.Op.DELETE;
  }

  /** The highest revision of {@code changes}, 0 when empty. */
  static long lastRevision(List<Change> changes) {
    return changes.isEmpty() ? 0 : changes.get(changes.size() - 1).revision();
  }
}
