package dev.microstore.internal;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Not API: the {@code Stream} of a scan over an iterator that holds resources. The resources are
 * released once, when the stream is closed or when the iterator is exhausted (whichever comes
 * first), and {@code offset} and {@code limit} apply in the iterator's order.
 */
public final class ScanStreams {
  private ScanStreams() {}

  /**
   * A sequential, ordered stream of the iterator's elements after skipping {@code offset} and
   * keeping at most {@code limit} (0: all).
   *
   * @param elements the elements, pulled one at a time as the stream is consumed
   * @param offset how many elements to skip
   * @param limit the most elements, 0 for no limit
   * @param release frees what the iterator holds; run at most once
   * @param <T> the element type
   * @return the stream; closing it runs {@code release}
   */
  public static <T> Stream<T> of(Iterator<T> elements, int offset, int limit, Runnable release) {
    AtomicBoolean released = new AtomicBoolean();
    Runnable once =
        () -> {
          if (released.compareAndSet(false, true)) {
            release.run();
          }
        };
    Iterator<T> releasing =
        new Iterator<>() {
          private int skipped;
          private int handed;

          @Override
          public boolean hasNext() {
            if (released.get()) {
              return false;
            }
            try {
              while (skipped < offset && elements.hasNext()) {
                elements.next();
                skipped++;
              }
              if ((limit > 0 && handed >= limit) || !elements.hasNext()) {
                once.run();
                return false;
              }
              return true;
            } catch (RuntimeException e) {
              once.run();
              throw e;
            }
          }

          @Override
          public T next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            handed++;
            return elements.next();
          }
        };
    Spliterator<T> split =
        Spliterators.spliteratorUnknownSize(releasing, Spliterator.ORDERED | Spliterator.NONNULL);
    return StreamSupport.stream(split, false).onClose(once);
  }
}
