package dev.microstore;

/**
 * Receives the changes of a {@link Store#watch(WatchOptions, WatchListener) watch}.
 *
 * <p>Callbacks of one watch are made one at a time, in revision order, each change once. The
 * current records of {@link WatchOptions.Builder#includeInitial()} and {@link #onInitialDataDone()}
 * are delivered on the thread calling {@code watch}, before it returns; live changes on a thread of
 * the store, apart from other watches, so a slow listener delays only its own watch (up to its
 * {@linkplain WatchOptions#bufferSize() buffer}; past it the store stops taking changes for this
 * watch until the listener catches up). An exception thrown by a callback is ignored; the watch
 * goes on.
 */
public interface WatchListener {

  /**
   * One change (or, with {@link WatchOptions.Builder#includeInitial()}, one current record).
   *
   * @param event the change
   */
  void onEvent(ChangeEvent event);

  /**
   * Called once, after the current records were delivered, when the watch was started with {@link
   * WatchOptions.Builder#includeInitial()}; called at once (with no records before it) otherwise.
   * Every later event is a live change.
   */
  default void onInitialDataDone() {}

  /**
   * Called when the watch fails and stops; no event follows. A {@link WatchGapException} says that
   * the database no longer holds revisions the watch has not delivered yet, and from which revision
   * on (also when the database was deleted).
   *
   * @param error what went wrong
   */
  default void onError(StoreException error) {}
}
