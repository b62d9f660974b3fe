package dev.microstore;

/**
 * Receives the changes of a {@link Store#watch(WatchOptions, WatchListener) watch}. Callbacks of
 * one watch are made one at a time, in revision order, on a thread of the store; they should return
 * quickly.
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
   * Called when the watch fails and stops, where the store can tell: the in-memory store calls it
   * when the watched database is deleted. No event follows.
   *
   * @param error what went wrong
   */
  default void onError(StoreException error) {}
}
