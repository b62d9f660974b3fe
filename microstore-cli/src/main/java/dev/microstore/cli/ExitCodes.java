package dev.microstore.cli;

/** The exit codes of every command, as documented in {@code microstore --help}. */
final class ExitCodes {
  /** The command did what it was asked. */
  static final int OK = 0;

  /** The server or store failed ({@link dev.microstore.StoreException}). */
  static final int STORE_FAILURE = 1;

  /** Invalid usage or input: options, arguments, JSON, durations, numbers. */
  static final int INVALID_INPUT = 2;

  /** An exact read found no record ({@link dev.microstore.NotFoundException}). */
  static final int NOT_FOUND = 3;

  /** A compare-and-set condition failed ({@link dev.microstore.ConflictException}). */
  static final int CONFLICT = 4;

  /**
   * A watch stopped because the database no longer holds a change it had still to deliver ({@link
   * dev.microstore.WatchGapException}).
   */
  static final int WATCH_GAP = 5;

  /** The footer of the top-level help. */
  static final String HELP_FOOTER =
      "%nExit codes:%n"
          + "  0  success%n"
          + "  1  server or store failure%n"
          + "  2  invalid usage or input%n"
          + "  3  not found (exact read of a missing key)%n"
          + "  4  conflict (--if-absent / --if-revision / an apply condition did not hold)%n"
          + "  5  watch gap (the database no longer holds a change the watch had to print)%n";

  private ExitCodes() {}
}
