package dev.microstore.testing;

import dev.microstore.testing.Nemesis.Event;
import dev.microstore.testing.Nemesis.Kind;
import dev.microstore.testing.NemesisFaults.Fault;
import dev.microstore.testing.NemesisFaults.Injected;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The thread behind a {@link Nemesis}: waits, picks a fault, starts it, keeps it in place, ends it,
 * and records it, until stopped.
 *
 * <p>Invariant: at most one fault is in place, and {@link #ending} holds what ends it. Whoever
 * takes {@link #ending} (under the lock) runs it, so a fault is ended once, by the thread or, if
 * the thread does not finish in time, by {@link #stop(Duration)}. Waits are timed waits on the
 * lock, woken by {@link #stop(Duration)}; the thread is never interrupted, as an interrupt would
 * abort a server's restart halfway.
 */
final class NemesisLoop {

  private enum State {
    NEW,
    RUNNING,
    STOPPED
  }

  private final List<Fault> faults;
  private final Duration interval;
  private final Random random;
  private final Thread thread;

  /** Guards everything below; notified when stopping. */
  private final Object lock = new Object();

  private State state = State.NEW;
  private boolean stopping;
  private Runnable ending;
  private final Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
  private final List<Event> events = new ArrayList<>();
  private RuntimeException endFailure;

  NemesisLoop(List<Fault> faults, Duration interval, long seed) {
    this.faults = List.copyOf(faults);
    this.interval = interval;
    this.random = new Random(seed);
    for (Kind kind : Kind.values()) {
      counts.put(kind, 0);
    }
    this.thread = new Thread(this::run, "nemesis");
    thread.setDaemon(true);
  }

  void start() {
    synchronized (lock) {
      if (state != State.NEW) {
        throw new IllegalStateException(
            "A nemesis starts once; this one is " + state.name().toLowerCase());
      }
      state = State.RUNNING;
    }
    thread.start();
  }

  void stop(Duration timeout) {
    boolean wasRunning;
    synchronized (lock) {
      if (state == State.STOPPED) {
        return;
      }
      wasRunning = state == State.RUNNING;
      state = State.STOPPED;
      stopping = true;
      lock.notifyAll();
    }
    if (wasRunning) {
      try {
        thread.join(timeout.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (thread.isAlive()) {
        endCurrent(); // in case the thread has not taken it yet
        throw new IllegalStateException(
            "The nemesis did not end its current fault within "
                + timeout.toSeconds()
                + " s; last events: "
                + lastEvents());
      }
    }
    synchronized (lock) {
      if (endFailure != null) {
        throw new IllegalStateException(
            "The nemesis could not end every fault: " + endFailure.getMessage(), endFailure);
      }
    }
  }

  boolean isRunning() {
    synchronized (lock) {
      return state == State.RUNNING;
    }
  }

  Map<Kind, Integer> counts() {
    synchronized (lock) {
      return Collections.unmodifiableMap(new EnumMap<>(counts));
    }
  }

  List<Event> events() {
    synchronized (lock) {
      return List.copyOf(events);
    }
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return state.name().toLowerCase() + ", " + counts;
    }
  }

  private void run() {
    try {
      while (waitUnlessStopping(interval)) {
        Fault fault = faults.get(random.nextInt(faults.size()));
        inject(fault, fault.duration(random));
      }
    } finally {
      endCurrent();
    }
  }

  private void inject(Fault fault, Duration duration) {
    Instant start = Instant.now();
    String target = fault.target();
    String failure = null;
    try {
      Injected injected = fault.inject(this::isStopping);
      target = injected.target();
      synchronized (lock) {
        ending = injected.end();
        counts.merge(fault.kind, 1, Integer::sum);
      }
      waitUnlessStopping(duration);
    } catch (RuntimeException e) {
      failure = e.toString();
    }
    Optional<String> endFailed = endCurrent();
    if (endFailed.isPresent()) {
      failure = (failure == null ? "" : failure + "; ") + endFailed.get();
    }
    synchronized (lock) {
      events.add(new Event(start, Instant.now(), fault.kind, target, Optional.ofNullable(failure)));
    }
  }

  /** Ends the fault in place, if any; returns why that failed, if it did. */
  private Optional<String> endCurrent() {
    Runnable end;
    synchronized (lock) {
      end = ending;
      ending = null;
    }
    if (end == null) {
      return Optional.empty();
    }
    try {
      end.run();
      return Optional.empty();
    } catch (RuntimeException e) {
      synchronized (lock) {
        if (endFailure == null) {
          endFailure = e;
        }
      }
      return Optional.of("cannot end it: " + e);
    }
  }

  private boolean isStopping() {
    synchronized (lock) {
      return stopping;
    }
  }

  /** Waits {@code duration} unless stopping; returns whether not stopping. */
  private boolean waitUnlessStopping(Duration duration) {
    long deadline = System.nanoTime() + duration.toNanos();
    synchronized (lock) {
      while (!stopping) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return true;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          stopping = true;
        }
      }
      return false;
    }
  }

  private String lastEvents() {
    List<Event> all = events();
    return all.subList(Math.max(0, all.size() - 3), all.size()).toString();
  }
}
