package dev.microstore.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.microstore.ConflictException;
import dev.microstore.DeleteOptions;
import dev.microstore.NotFoundException;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.WriteOptions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The asynchronous forms: same results as the synchronous ones, failures in the future. */
abstract class AsyncTests extends KitTests {
  AsyncTests(StoreContract kit) {
    super(kit);
  }

  private static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(30, TimeUnit.SECONDS);
  }

  /** The exception a future failed with, unwrapped from ExecutionException. */
  private static Throwable failure(CompletableFuture<?> f) {
    try {
      f.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError("the future did not fail but: " + e, e);
    }
    throw new AssertionError("the future completed normally");
  }

  @Test
  void writeAsync_thenReadAsync_roundTrips() throws Exception {
    String db = newDatabase();

    long revision = await(store().writeAsync(Record.of("k", "v"), to(db)));
    List<Record> read = await(store().readAsync("k", from(db)));

    assertThat(read).hasSize(1);
    assertThat(read.get(0).valueAsString()).isEqualTo("v");
    if (supports(StoreFeature.REVISIONS)) {
      assertThat(read.get(0).revision()).isEqualTo(revision);
    }
  }

  @Test
  void readAsync_missingKey_failsWithNotFound() {
    String db = newDatabase();
    writeKeys(db, "", "present");

    assertThat(failure(store().readAsync("absent", from(db))))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("\"absent\"");
  }

  @Test
  void readAsync_missingDatabase_failsWithNotFound() {
    assertThat(failure(store().readAsync("k", from(newDatabase()))))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void readAsync_prefix_returnsTheSortedPage() throws Exception {
    String db = newDatabase();
    writeKeys(db, "", "b1", "a1", "b2", "c1");

    assertThat(keys(await(store().readAsync("b", prefixIn(db))))).containsExactly("b1", "b2");
  }

  @Test
  void writeAsync_ifRevisionMismatch_failsWithConflict_andWritesNothing() {
    assumeFeature(StoreFeature.REVISIONS);
    String db = newDatabase();
    long revision = store().write(Record.of("k", "v1"), to(db));

    Throwable t =
        failure(
            store()
                .writeAsync(
                    Record.of("k", "v2"),
                    WriteOptions.builder().database(db).ifRevision(revision + 100).build()));

    assertThat(t).isInstanceOf(ConflictException.class);
    assertThat(((ConflictException) t).currentRevision()).hasValue(revision);
    assertThat(readOne("k", from(db)).valueAsString()).isEqualTo("v1");
  }

  @Test
  void writeAsync_ifAbsent_onAnExistingKey_failsWithConflict() {
    assumeFeature(StoreFeature.REVISIONS);
    String db = newDatabase();
    store().write(Record.of("k", "v1"), to(db));

    assertThat(
            failure(
                store()
                    .writeAsync(
                        Record.of("k", "v2"),
                        WriteOptions.builder().database(db).ifAbsent().build())))
        .isInstanceOf(ConflictException.class);
  }

  @Test
  void deleteAsync_removesTheKey() throws Exception {
    String db = newDatabase();
    writeKeys(db, "", "a", "b");

    await(store().deleteAsync("a", deleteFrom(db)));

    assertThat(store().list(listOf(db))).containsExactly("b");
  }

  @Test
  void deleteAsync_ifRevisionMismatch_failsWithConflict() {
    assumeFeature(StoreFeature.REVISIONS);
    String db = newDatabase();
    long revision = store().write(Record.of("k", "v"), to(db));

    assertThat(
            failure(
                store()
                    .deleteAsync(
                        "k",
                        DeleteOptions.builder().database(db).ifRevision(revision + 5).build())))
        .isInstanceOf(ConflictException.class);
    assertThat(store().list(listOf(db))).containsExactly("k");
  }

  @Test
  void asyncCalls_withInvalidArguments_failTheFutureWithIllegalArgument() {
    assertThat(failure(store().readAsync("", from(newDatabase()))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(failure(store().deleteAsync("", deleteFrom(newDatabase()))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void asyncCalls_onAClosedStore_failTheFutureWithIllegalState() {
    Store s = kit().openStore();
    s.close();

    assertThat(failure(s.readAsync("k", from(newDatabase()))))
        .isInstanceOf(IllegalStateException.class);
    assertThat(failure(s.writeAsync(Record.of("k", "v"), to(newDatabase()))))
        .isInstanceOf(IllegalStateException.class);
    assertThat(failure(s.deleteAsync("k", deleteFrom(newDatabase()))))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> s.writeAll(List.of(Record.of("k", "v")), to(newDatabase())))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void manyConcurrentWriteAsync_allLand() throws Exception {
    String db = newDatabase();
    List<CompletableFuture<Long>> futures = new java.util.ArrayList<>();
    for (int i = 0; i < 200; i++) {
      futures.add(store().writeAsync(Record.of(String.format("k%03d", i), "v" + i), to(db)));
    }

    CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);

    assertThat(store().list(listOf(db))).hasSize(200);
  }
}
