package dev.microstore.examples.books;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;

/**
 * A small web application over microstore: books as records of the store ({@link BooksController}),
 * a price computation cached in the store ({@link Prices}), and the store's changes pushed to
 * browsers ({@link ChangesController}).
 *
 * <p>Run it against a NATS server: {@code java -jar ... --microstore.uri=nats://127.0.0.1:4222}.
 */
@SpringBootApplication
@EnableCaching
public class BooksApplication {

  /** Created by Spring. */
  public BooksApplication() {}

  /**
   * Starts the application.
   *
   * @param args Spring Boot's arguments, e.g. {@code --microstore.uri=nats://127.0.0.1:4222}
   */
  public static void main(String[] args) {
    SpringApplication.run(BooksApplication.class, args);
  }
}
