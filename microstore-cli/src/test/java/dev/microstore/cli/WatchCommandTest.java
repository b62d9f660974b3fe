package dev.microstore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.microstore.ChangeEvent;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.StoreException;
import dev.microstore.Stores;
import dev.microstore.Watch;
import dev.microstore.WatchGapException;
import dev.microstore.WatchListener;
import dev.microstore.WatchOptions;
import dev.microstore.internal.Json;
import dev.microstore.testing.NatsServer;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code watch}: its options, how an error reported to the watch ends it, and (against a real
 * nats-server, one per class) resuming from a revision.
 */
class WatchCommandTest {
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private static NatsServer server;

  /** Runs against a server that is never contacted: validation fails first. */
  private final Cli offline = Cli.with("--server", "nats://127.0.0.1:1");

  @BeforeAll
  static void startServer() {
    server = NatsServer.builder().start();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  private static String newDatabase() {
    return "cli-watch-" + DATABASES.incrementAndGet();
  }

  private static Cli cli(String database) {
    return Cli.with("--server", server.url(), "--database", database);
  }

  // ---------------------------------------------------------------- options

  @Test
  void fromRevisionBelowOne_exits2_namingValueAndRule() {
    for (String value : List.of("0", "-3")) {
      Cli.Result r = offline.run("watch", "--from-revision", value);
      assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.INVALID_INPUT);
      assertThat(r.err())
          .isEqualTo(
              "microstore: --from-revision " + value + " is invalid: revisions start at 1\n");
    }
  }

  @Test
  void fromRevisionNotANumber_exits2() {
    Cli.Result r = offline.run("watch", "--from-revision", "latest");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(r.err())
        .startsWith(
            "microstore: Invalid value for option '--from-revision': 'latest' is not a long");
  }

  @Test
  void fromRevisionWithInitial_exits2() {
    Cli.Result r = offline.run("watch", "--initial", "--from-revision", "3");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(r.err())
        .isEqualTo(
            "microstore: --initial and --from-revision cannot be combined: a watch starts either"
                + " with the current records or at a revision\n");
  }

  @Test
  void help_describesFromRevisionAndTheGapExitCode() {
    Cli.Result r = offline.run("watch", "--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("--from-revision=N").contains("Exits with 5");
    assertThat(offline.run("--help").out()).contains("5  watch gap");
  }

  @Test
  void fromRevision_isPassedToTheStore_withDatabaseTableAndPrefix() throws Exception {
    StringWriter out = new StringWriter();
    WatchCommand watch =
        parse(
            out,
            "--database",
            "orders",
            "--table",
            "eu",
            "watch",
            "--prefix",
            "a.",
            "--from-revision",
            "7",
            "--timeout",
            "10ms");
    AtomicReference<WatchOptions> seen = new AtomicReference<>();

    int status = watch.follow(fakeStore((options, listener) -> seen.set(options)), watch.options());

    assertThat(status).isZero();
    WatchOptions options = seen.get();
    assertThat(options.fromRevision()).hasValue(7);
    assertThat(options.includeInitial()).isFalse();
    assertThat(options.database()).hasValue("orders");
    assertThat(options.table()).hasValue("eu");
    assertThat(options.prefix()).isEqualTo("a.");
    assertThat(parse(out, "watch").options().fromRevision()).isEmpty();
  }

  // ---------------------------------------------------------------- errors end the command

  @Test
  void gap_endsTheCommandWithExit5_afterPrintingEveryEventBeforeIt() throws Exception {
    StringWriter out = new StringWriter();
    WatchCommand watch =
        parse(out, "--format", "json", "watch", "--from-revision", "2", "--timeout", "20s");

    ExitException e =
        catchThrowableOfType(
            ExitException.class,
            () ->
                watch.follow(
                    fakeStore(
                        (options, listener) ->
                            onAnotherThread(
                                () -> {
                                  listener.onEvent(put("k", 2));
                                  listener.onError(
                                      new WatchGapException(
                                          "default",
                                          3,
                                          "database \"default\" no longer holds revisions 3 to 9"));
                                })),
                    watch.options()));

    assertThat(e).isNotNull();
    assertThat(ErrorHandler.exitCode(e)).isEqualTo(ExitCodes.WATCH_GAP);
    assertThat(ErrorHandler.message(e))
        .startsWith("the watch stopped: database \"default\" no longer holds revision 3 ")
        .contains("no longer holds revisions 3 to 9")
        .contains("watch --initial")
        .contains("--from-revision");
    assertThat(out.toString())
        .startsWith("{\"key\":\"k\",\"op\":\"put\"")
        .contains("\"revision\":2");
  }

  @Test
  void otherError_endsTheCommandWithExit1() throws Exception {
    WatchCommand watch = parse(new StringWriter(), "watch", "--timeout", "20s");

    ExitException e =
        catchThrowableOfType(
            ExitException.class,
            () ->
                watch.follow(
                    fakeStore(
                        (options, listener) ->
                            onAnotherThread(
                                () ->
                                    listener.onError(
                                        new StoreException("database \"x\" was deleted")))),
                    watch.options()));

    assertThat(ErrorHandler.exitCode(e)).isEqualTo(ExitCodes.STORE_FAILURE);
    assertThat(ErrorHandler.message(e)).isEqualTo("the watch stopped: database \"x\" was deleted");
  }

  @Test
  void databaseDeletedWhileWatching_exitsNonZero_withOneLineOnStderr() throws Exception {
    String db = newDatabase();
    Cli store = cli(db);
    store.run("write", "k", "v");
    StringWriter output = new StringWriter();
    CompletableFuture<Cli.Result> watch =
        CompletableFuture.supplyAsync(
            () -> store.run(output, "watch", "--initial", "--timeout", "60s"));
    awaitOutput(output, "(revision 1)");

    Cli.Result deleted = store.run("delete-database", db);
    assertThat(deleted.exitCode()).as(deleted.toString()).isZero();

    Cli.Result r = watch.get(60, TimeUnit.SECONDS);
    assertThat(r.exitCode()).as(r.toString()).isIn(ExitCodes.STORE_FAILURE, ExitCodes.WATCH_GAP);
    assertThat(r.err()).startsWith("microstore: the watch stopped: ").contains(db);
    assertThat(r.err().lines()).hasSize(1);
  }

  // ---------------------------------------------------------------- revisions and resuming

  @Test
  void jsonLines_carryTheRevisionOfEveryChange() throws Exception {
    Cli store = cli(newDatabase());
    long marker = revisionOf(store.run("--format", "json", "write", "marker", "0"));
    StringWriter output = new StringWriter();
    CompletableFuture<Cli.Result> watch =
        CompletableFuture.supplyAsync(
            () ->
                store.run(
                    output,
                    "--format",
                    "json",
                    "watch",
                    "--initial",
                    "--count",
                    "4",
                    "--timeout",
                    "30s"));
    awaitOutput(output, "\"marker\"");
    long first = revisionOf(store.run("--format", "json", "write", "a", "1"));
    long second = revisionOf(store.run("--format", "json", "write", "b", "2"));
    // the bucket keeps one revision per key: a's put is printed before the delete replaces it
    awaitOutput(output, "\"revision\":" + first);
    store.run("delete", "a");

    Cli.Result r = watch.get(30, TimeUnit.SECONDS);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    List<Object> revisions = new ArrayList<>();
    for (String line : r.lines()) {
      revisions.add(((Map<?, ?>) Json.parse(line)).get("revision"));
    }
    assertThat(revisions).containsExactly(marker, first, second, second + 1);
  }

  /**
   * Needs a NATS store that honours {@link WatchOptions#fromRevision()}: prints the changes from
   * the given revision on, then live ones, so a watch resumes from the last line's revision + 1.
   */
  @Test
  void fromRevision_nats_printsEveryChangeFromIt_thenLiveChanges() throws Exception {
    Cli store = cli(newDatabase());
    store.run("write", "a", "1");
    store.run("write", "b", "2");
    store.run("delete", "a");
    StringWriter output = new StringWriter();
    CompletableFuture<Cli.Result> watch =
        CompletableFuture.supplyAsync(
            () ->
                store.run(
                    output,
                    "--format",
                    "json",
                    "watch",
                    "--from-revision",
                    "2",
                    "--count",
                    "3",
                    "--timeout",
                    "20s"));
    awaitOutput(output, "\"op\":\"delete\"");
    store.run("write", "c", "live");

    Cli.Result r = watch.get(30, TimeUnit.SECONDS);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    List<Map<?, ?>> lines = new ArrayList<>();
    for (String line : r.lines()) {
      lines.add((Map<?, ?>) Json.parse(line));
    }
    assertThat(lines)
        .extracting(m -> List.of(m.get("key"), m.get("revision"), m.get("op")))
        .containsExactly(
            List.of("b", 2L, "put"), List.of("a", 3L, "delete"), List.of("c", 4L, "put"));
  }

  /**
   * Needs a NATS store that honours {@link WatchOptions#fromRevision()}: in a database keeping one
   * revision per key, revision 1 of a key written twice is gone, so a watch from it stops at once.
   */
  @Test
  void fromRevision_nats_revisionNoLongerHeld_exits5_namingIt() {
    String db = newDatabase();
    Cli store = cli(db);
    store.run("--history", "1", "write", "k", "first");
    store.run("write", "k", "second");

    Cli.Result r = store.run("watch", "--from-revision", "1", "--timeout", "10s");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.WATCH_GAP);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .startsWith("microstore: the watch stopped: database \"" + db + "\"")
        .contains("no longer holds revision 1 ")
        .contains("watch --initial");
    assertThat(r.err().lines()).hasSize(1);
  }

  /**
   * Needs an in-memory store that honours {@link WatchOptions#fromRevision()}; the command's loop
   * runs on a store opened here, as every CLI run opens a new, empty in-memory store.
   */
  @Test
  void fromRevision_memory_printsEveryChangeFromIt() throws Exception {
    StringWriter out = new StringWriter();
    WatchCommand watch =
        parse(out, "watch", "--from-revision", "2", "--count", "2", "--timeout", "10s");
    try (Store store = Stores.inMemory().build()) {
      store.write(Record.of("a", "1"));
      store.write(Record.of("b", "2"));
      store.write(Record.of("c", "3"));

      assertThat(watch.follow(store, watch.options())).isZero();
    }
    assertThat(out.toString().lines())
        .hasSize(2)
        .satisfiesExactly(
            l -> assertThat(l).startsWith("put    b  (revision 2)"),
            l -> assertThat(l).startsWith("put    c  (revision 3)"));
  }

  // ---------------------------------------------------------------- helpers

  /** The watch command of these arguments, parsed as the CLI does, printing to {@code out}. */
  private static WatchCommand parse(StringWriter out, String... args) {
    CliEnvironment env =
        new CliEnvironment(
            new ByteArrayInputStream(new byte[0]), Map.of(), false, Path.of(""), null);
    CommandLine cmd =
        Main.commandLine(
            env, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
    return (WatchCommand) cmd.parseArgs(args).subcommand().commandSpec().userObject();
  }

  /**
   * A store whose only working call is {@code watch}, which hands its arguments to {@code onWatch}.
   */
  private static Store fakeStore(BiConsumer<WatchOptions, WatchListener> onWatch) {
    Watch noop = () -> {};
    return (Store)
        Proxy.newProxyInstance(
            Store.class.getClassLoader(),
            new Class<?>[] {Store.class},
            (proxy, method, args) -> {
              switch (method.getName()) {
                case "watch":
                  onWatch.accept((WatchOptions) args[0], (WatchListener) args[1]);
                  return noop;
                case "close":
                  return null;
                default:
                  throw new UnsupportedOperationException(method.getName());
              }
            });
  }

  private static void onAnotherThread(Runnable r) {
    Thread t = new Thread(r, "fake-watch");
    t.setDaemon(true);
    t.start();
  }

  private static ChangeEvent put(String key, long revision) {
    return new ChangeEvent(
        ChangeEvent.Op.PUT,
        "default",
        key,
        revision,
        Record.builder(key).value("v").revision(revision).build());
  }

  private static long revisionOf(Cli.Result write) {
    assertThat(write.exitCode()).as(write.toString()).isZero();
    return (Long) ((Map<?, ?>) Json.parse(write.out().strip())).get("revision");
  }

  private static void awaitOutput(StringWriter output, String text) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!output.toString().contains(text)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no \"" + text + "\" in: " + output);
      }
      Thread.sleep(20);
    }
  }
}
