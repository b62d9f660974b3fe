package dev.microstore.nats;

import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** A value created on first use, at most once, for a resource the store may never need. */
final class Lazy<T> {
  private final Supplier<T> create;
  private volatile @Nullable T value;

  Lazy(Supplier<T> create) {
    this.create = create;
  }

  /** The value, created now if it does not exist yet. */
  T get() {
    T v = value;
    if (v == null) {
      synchronized (this) {
        v = value;
        if (v == null) {
          v = create.get();
          value = v;
        }
      }
    }
    return v;
  }

  /** Hands the value to {@code action} if it was created; creates nothing. */
  void ifCreated(Consumer<T> action) {
    T v = value;
    if (v != null) {
      action.accept(v);
    }
  }
}
