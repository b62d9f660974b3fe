package dev.microstore.tck;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for something that becomes true eventually: checks it every poll interval until it holds,
 * and fails the test when it still does not hold after the longest wait. The subset of Awaitility
 * the kit uses, with the same shape ({@code await().atMost(d).untilAsserted(...)}).
 *
 * <p>The kit does not use Awaitility itself because Awaitility has no stable module name (neither a
 * module descriptor nor an {@code Automatic-Module-Name}): this module could only require it by the
 * name derived from its jar's file name, which breaks when that name changes.
 *
 * <p>An assertion that fails is checked again; any other exception ends the wait at once. Not
 * thread-safe: one test thread uses one instance.
 */
final class Await {
  private static final Duration DEFAULT_AT_MOST = Duration.ofSeconds(10);
  private static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(100);

  /** A check made of assertions. */
  @FunctionalInterface
  interface Check {
    void run() throws Exception;
  }

  private final String what;
  private Duration atMost = DEFAULT_AT_MOST;
  private Duration pollInterval = DEFAULT_POLL_INTERVAL;

  private Await(String what) {
    this.what = what;
  }

  /** A wait for a condition, named in the failure message. */
  static Await await(String what) {
    return new Await(what);
  }

  /** A wait for a condition. */
  static Await await() {
    return new Await("condition");
  }

  /** The longest wait, 10 seconds unless set. */
  Await atMost(Duration atMost) {
    this.atMost = atMost;
    return this;
  }

  /** The time between two checks, 100 ms unless set. */
  Await pollInterval(Duration pollInterval) {
    this.pollInterval = pollInterval;
    return this;
  }

  /** Returns once {@code condition} is true; fails the test if it is still false after the wait. */
  void until(BooleanSupplier condition) {
    untilAsserted(
        () -> {
          if (!condition.getAsBoolean()) {
            throw new AssertionError(what + " is false");
          }
        });
  }

  /**
   * Returns once {@code check} passes; fails with its last failure if it still fails after the
   * wait.
   */
  void untilAsserted(Check check) {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (true) {
      try {
        check.run();
        return;
      } catch (AssertionError failure) {
        if (System.nanoTime() - deadline >= 0) {
          throw new AssertionError(
              what + " did not hold within " + atMost + ": " + failure.getMessage(), failure);
        }
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new AssertionError(what + " could not be checked: " + e, e);
      }
      try {
        Thread.sleep(pollInterval.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(what + ": interrupted while waiting", e);
      }
    }
  }
}
