package dev.microstore.cli;

import dev.microstore.ChangeEvent;
import dev.microstore.ConflictException;
import dev.microstore.DatabaseInfo;
import dev.microstore.DeleteOptions;
import dev.microstore.ListOptions;
import dev.microstore.NotFoundException;
import dev.microstore.ReadOptions;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.StoreException;
import dev.microstore.Watch;
import dev.microstore.WatchListener;
import dev.microstore.WatchOptions;
import dev.microstore.WriteOptions;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The steps of {@code microstore demo}: each prints a numbered heading, what it does and what came
 * back. Runs against any {@link Store}; uses only the databases {@link #USERS} and {@link #ORDERS},
 * which it deletes at the end.
 */
final class DemoWalkthrough {
  static final String USERS = "demo-users";
  static final String ORDERS = "demo-orders";

  private static final String INDENT = "   ";
  private static final Duration TTL = Duration.ofSeconds(1);
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final PrintWriter out;
  private int step;

  DemoWalkthrough(PrintWriter out) {
    this.out = out;
  }

  /** Prints the heading of the next step. */
  void step(String title) {
    step++;
    out.println();
    out.println(step + ". " + title);
    out.println("-".repeat(Math.min(78, title.length() + String.valueOf(step).length() + 2)));
    out.flush();
  }

  /** Prints one indented line of a step. */
  void say(String text) {
    out.println(INDENT + text);
    out.flush();
  }

  /** Runs every step against the store. */
  void run(Store store) throws InterruptedException {
    removeLeftovers(store);
    write(store);
    exactRead(store);
    prefixRead(store);
    suffixRead(store);
    list(store);
    ttl(store);
    compareAndSet(store);
    watch(store);
    history(store);
    info(store);
    delete(store);
  }

  private void removeLeftovers(Store store) {
    for (String db : List.of(USERS, ORDERS)) {
      if (store.databases().contains(db)) {
        store.deleteDatabase(db);
        say("(deleted database " + db + " left over from an earlier demo)");
      }
    }
  }

  private void write(Store store) {
    step("Write records into two databases and three tables, with metadata");
    say(
        "A database is a NATS KV bucket, created on first write; a table is the key prefix TABLE_.");
    writeOne(
        store,
        USERS,
        "users",
        "alice",
        "{\"name\":\"Alice\",\"email\":\"alice@example.com\"}",
        meta("role", "admin", "logins", 42));
    writeOne(
        store,
        USERS,
        "users",
        "bob",
        "{\"name\":\"Bob\",\"email\":\"bob@example.com\"}",
        Map.of("role", "viewer"));
    writeOne(
        store,
        USERS,
        "users",
        "carol",
        "{\"name\":\"Carol\",\"email\":\"carol@example.com\"}",
        Map.of("role", "editor"));
    writeOne(
        store,
        ORDERS,
        "eu",
        "2024-05-01.alice",
        "2 x coffee",
        meta("currency", "EUR", "total", 7.5));
    writeOne(
        store, ORDERS, "eu", "2024-05-01.bob", "1 x tea", meta("currency", "EUR", "total", 3.2));
    writeOne(
        store, ORDERS, "eu", "2024-05-02.alice", "1 x cake", meta("currency", "EUR", "total", 4.9));
    writeOne(
        store,
        ORDERS,
        "eu",
        "2024-05-03.carol",
        "3 x juice",
        meta("currency", "EUR", "total", 12.0));
    writeOne(
        store,
        ORDERS,
        "us",
        "2024-05-01.dave",
        "1 x bagel",
        meta("currency", "USD", "total", 2.75));
  }

  private void writeOne(
      Store store,
      String db,
      String table,
      String key,
      String value,
      Map<String, Object> metadata) {
    long revision =
        store.write(
            Record.builder(key).value(value).metadata(metadata).build(),
            WriteOptions.builder().to(db, table).build());
    say(String.format("write %-11s %-6s %-17s -> revision %d", db, table, key, revision));
  }

  private void exactRead(Store store) {
    step("Read one exact key");
    say("store.read(\"alice\", from demo-users, table users):");
    printRecords(store.read("alice", ReadOptions.builder().from(USERS, "users").build()));
  }

  private void prefixRead(Store store) {
    step("Read by prefix, with limit and offset");
    say("Every order of 2024-05-01 (prefix \"2024-05-01.\" in demo-orders, table eu):");
    printRecords(
        store.read("2024-05-01.", ReadOptions.builder().from(ORDERS, "eu").prefix().build()));
    out.println();
    say("Page 2 of all eu orders, 2 per page (prefix \"2024-\", limit 2, offset 2):");
    printRecords(
        store.read(
            "2024-", ReadOptions.builder().from(ORDERS, "eu").prefix().limit(2).offset(2).build()));
  }

  private void suffixRead(Store store) {
    step("Read by suffix");
    say("Every eu order of alice (suffix \".alice\"):");
    printRecords(store.read(".alice", ReadOptions.builder().from(ORDERS, "eu").suffix().build()));
  }

  private void list(Store store) {
    step("List keys and databases");
    say("Keys of demo-orders without a table (as stored, with table prefixes):");
    for (String key : store.list(ListOptions.builder().database(ORDERS).build())) {
      say("  " + key);
    }
    say("Keys of table eu, limit 2:");
    for (String key : store.list(ListOptions.builder().from(ORDERS, "eu").limit(2).build())) {
      say("  " + key);
    }
    List<String> demoDatabases = new ArrayList<>();
    for (String db : store.databases()) {
      if (db.equals(USERS) || db.equals(ORDERS)) {
        demoDatabases.add(db);
      }
    }
    say("Databases of the demo: " + demoDatabases);
  }

  private void ttl(Store store) throws InterruptedException {
    step("A record that expires (time to live " + Durations.format(TTL) + ")");
    WriteOptions options = WriteOptions.builder().to(USERS, "sessions").ttl(TTL).build();
    ReadOptions read = ReadOptions.builder().from(USERS, "sessions").build();
    long revision;
    try {
      revision = store.write(Record.of("alice", "token-8f3a"), options);
    } catch (StoreException | IllegalArgumentException | UnsupportedOperationException e) {
      say("write with a TTL failed, so this store does not support per-record TTLs:");
      say("  " + ErrorHandler.message(e));
      return;
    }
    say("wrote sessions/alice with ttl " + Durations.format(TTL) + " -> revision " + revision);
    printRecords(store.read("alice", read));
    long start = System.nanoTime();
    long deadline = start + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      Thread.sleep(100);
      try {
        store.read("alice", read);
      } catch (NotFoundException gone) {
        Duration after = Duration.ofNanos(System.nanoTime() - start);
        say(
            "polling every 100ms ... gone after "
                + Durations.format(after)
                + ": "
                + gone.getMessage());
        return;
      }
    }
    say("the record was still there after " + Durations.format(WAIT) + " (it should have expired)");
  }

  private void compareAndSet(Store store) {
    step("Compare-and-set: a conflicting write is refused");
    ReadOptions read = ReadOptions.builder().from(USERS, "users").build();
    Record bob = store.read("bob", read).get(0);
    say("read bob -> revision " + bob.revision() + ", role " + bob.metadata().get("role"));
    Record promoted = bob.toBuilder().metadata(Map.of("role", "editor")).build();
    long next =
        store.write(
            promoted, WriteOptions.builder().to(USERS, "users").ifRevision(bob.revision()).build());
    say("write bob if revision is " + bob.revision() + " -> ok, revision " + next);
    try {
      store.write(
          bob.toBuilder().metadata(Map.of("role", "admin")).build(),
          WriteOptions.builder().to(USERS, "users").ifRevision(bob.revision()).build());
      say("a second write with the stale revision " + bob.revision() + " succeeded (unexpected!)");
    } catch (ConflictException e) {
      say("a second write if revision is " + bob.revision() + " (stale) -> conflict:");
      say("  " + e.getMessage());
    }
    try {
      store.write(
          Record.of("alice", "x"), WriteOptions.builder().to(USERS, "users").ifAbsent().build());
      say("a create-only write of the existing alice succeeded (unexpected!)");
    } catch (ConflictException e) {
      say("a create-only write (if absent) of the existing alice -> conflict:");
      say("  " + e.getMessage());
    }
  }

  private void watch(Store store) throws InterruptedException {
    step("Watch changes as they happen");
    BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    CountDownLatch ready = new CountDownLatch(1);
    WatchListener listener =
        new WatchListener() {
          @Override
          public void onEvent(ChangeEvent event) {
            events.add(event);
          }

          @Override
          public void onInitialDataDone() {
            ready.countDown();
          }

          @Override
          public void onError(StoreException error) {
            events.add(error);
          }
        };
    say("watching demo-orders, table eu; then: write 2024-05-04.bob, update it, delete it");
    List<ChangeEvent> received = new ArrayList<>();
    Watch watch =
        store.watch(WatchOptions.builder().database(ORDERS).table("eu").build(), listener);
    try {
      if (!ready.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
        say("(the watch did not report it was ready within " + Durations.format(WAIT) + ")");
      }
      WriteOptions eu = WriteOptions.builder().to(ORDERS, "eu").build();
      store.write(
          Record.builder("2024-05-04.bob")
              .value("1 x muffin")
              .metadata(Map.of("currency", "EUR"))
              .build(),
          eu);
      store.write(
          Record.builder("2024-05-04.bob")
              .value("2 x muffin")
              .metadata(Map.of("currency", "EUR"))
              .build(),
          eu);
      store.delete("2024-05-04.bob", DeleteOptions.builder().from(ORDERS, "eu").build());
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (received.size() < 3) {
        long left = deadline - System.nanoTime();
        Object next = left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS);
        if (next == null) {
          say(
              "(only "
                  + received.size()
                  + " of 3 events arrived within "
                  + Durations.format(WAIT)
                  + ")");
          break;
        }
        if (next instanceof StoreException) {
          throw (StoreException) next;
        }
        ChangeEvent e = (ChangeEvent) next;
        received.add(e);
        say("event: " + WatchCommand.textLine(e));
      }
    } finally {
      watch.close();
    }
    say("received " + received.size() + " events; watch closed");
  }

  private void history(Store store) {
    step("History of a key");
    say("The demo's databases keep 10 revisions per key; 2024-05-04.bob, oldest first:");
    List<ChangeEvent> revisions =
        store.history("2024-05-04.bob", ReadOptions.builder().from(ORDERS, "eu").build());
    if (revisions.isEmpty()) {
      say("no revisions");
    }
    for (ChangeEvent e : revisions) {
      say(WatchCommand.textLine(e));
    }
  }

  private void info(Store store) {
    step("Database info");
    for (String db : List.of(USERS, ORDERS)) {
      Optional<DatabaseInfo> info = store.info(db);
      if (info.isEmpty()) {
        say(db + ": does not exist");
        continue;
      }
      DatabaseInfo i = info.get();
      say(
          String.format(
              "%-11s %d entries, %d bytes, history %d, storage %s, replicas %d, ttl %s",
              i.name(),
              i.records(),
              i.bytes(),
              i.history(),
              i.storage(),
              i.replicas(),
              i.ttl().isZero() ? "none" : Durations.format(i.ttl())));
    }
  }

  private void delete(Store store) {
    step("Delete a record, then the databases");
    ReadOptions read = ReadOptions.builder().from(ORDERS, "eu").build();
    store.delete("2024-05-03.carol", DeleteOptions.builder().from(ORDERS, "eu").build());
    say("deleted eu/2024-05-03.carol");
    try {
      store.read("2024-05-03.carol", read);
      say("reading it again still found it (unexpected!)");
    } catch (NotFoundException e) {
      say("reading it again -> not found: " + e.getMessage());
    }
    for (String db : List.of(USERS, ORDERS)) {
      say(
          "delete database "
              + db
              + " -> "
              + (store.deleteDatabase(db) ? "deleted" : "did not exist"));
    }
    List<String> left = new ArrayList<>(store.databases());
    left.retainAll(List.of(USERS, ORDERS));
    say("demo databases left: " + left);
  }

  /** Metadata in the order given, so it prints the way it reads here. */
  private static Map<String, Object> meta(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  private void printRecords(List<Record> records) {
    if (records.isEmpty()) {
      say("  (no records)");
      return;
    }
    TextTable table = new TextTable("KEY", "REVISION", "EXPIRES IN", "VALUE", "METADATA");
    for (Record r : records) {
      table.add(
          r.key(),
          Long.toString(r.revision()),
          RecordText.expiry(r.expiry()),
          RecordText.preview(r),
          RecordText.metadata(r.metadata()));
    }
    java.io.StringWriter buffer = new java.io.StringWriter();
    PrintWriter pw = new PrintWriter(buffer);
    table.print(pw);
    pw.flush();
    for (String line : buffer.toString().split("\\R")) {
      say("  " + line);
    }
  }
}
