package dev.microstore.examples.books;

import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * A costly computation cached in the store: the cache {@code prices} is a table of the cache
 * database ({@code microstore.cache.*}), its entries live as long as {@code
 * microstore.cache.ttl.prices} says.
 */
@Service
@RestController
public class Prices {
  private final AtomicInteger computed = new AtomicInteger();

  /** Created by Spring. */
  public Prices() {}

  /**
   * The price of a book, in cents, computed once per book while it is cached.
   *
   * @param id the book's id
   * @return the price
   */
  @Cacheable("prices")
  @GetMapping("/prices/{id}")
  public long price(@PathVariable String id) {
    computed.incrementAndGet();
    return 1_000L + Math.floorMod(id.hashCode(), 4_000);
  }

  /**
   * How many prices were computed (not answered from the cache).
   *
   * @return the count
   */
  @GetMapping("/prices/computed")
  public int computed() {
    return computed.get();
  }
}
