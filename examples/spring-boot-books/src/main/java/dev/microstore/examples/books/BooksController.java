package dev.microstore.examples.books;

import dev.microstore.ListOptions;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.WriteOptions;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Books as records of the table {@code books}: the value is the book's JSON, as sent. */
@RestController
@RequestMapping("/books")
public class BooksController {
  private static final String TABLE = "books";

  private final Store store;

  /**
   * Created by Spring.
   *
   * @param store the application's store
   */
  public BooksController(Store store) {
    this.store = store;
  }

  /**
   * The ids of every book, sorted.
   *
   * @return the ids
   */
  @GetMapping
  public List<String> ids() {
    return store.list(ListOptions.builder().table(TABLE).build());
  }

  /**
   * One book: 404 when there is none.
   *
   * @param id the book's id
   * @return the book's JSON
   */
  @GetMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<String> book(@PathVariable String id) {
    return ResponseEntity.of(
        store
            .find(id, dev.microstore.ReadOptions.builder().table(TABLE).build())
            .map(Record::valueAsString));
  }

  /**
   * Stores a book.
   *
   * @param id the book's id
   * @param json the book's JSON
   * @return 204
   */
  @PutMapping(path = "/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<Void> save(@PathVariable String id, @RequestBody String json) {
    store.write(Record.of(id, json), WriteOptions.builder().table(TABLE).build());
    return ResponseEntity.noContent().build();
  }

  /**
   * Deletes a book; deleting one that does not exist is not an error.
   *
   * @param id the book's id
   * @return 204
   */
  @DeleteMapping("/{id}")
  public ResponseEntity<Void> delete(@PathVariable String id) {
    store.delete(id, dev.microstore.DeleteOptions.builder().table(TABLE).build());
    return ResponseEntity.noContent().build();
  }
}
