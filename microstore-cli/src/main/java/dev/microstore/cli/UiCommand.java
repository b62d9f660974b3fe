package dev.microstore.cli;

import dev.microstore.ChangeEvent;
import dev.microstore.Store;
import dev.microstore.StoreException;
import dev.microstore.WatchListener;
import dev.microstore.WatchOptions;
import dev.microstore.nats.NatsStore;
import io.nats.client.Options;
import java.io.IOException;
import java.net.BindException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ui}: the web console, a local web server to browse, edit and watch the records. */
@Command(
    name = "ui",
    header = "Run a web console to browse, edit and watch the records in a browser.",
    description = {
      "Starts a local web server and prints its URL with a one-time access token; opens nothing",
      "by itself and runs until Ctrl-C. Databases with their info, create and delete; keys by",
      "table with prefix search and paging; a record's value (text, JSON, hex), metadata, history",
      "and expiry; edit with compare-and-set; the live changes of a database; export and import.",
      "Listens on 127.0.0.1 unless --bind says otherwise. Nothing of the NATS connection's",
      "credentials reaches the browser."
    })
final class UiCommand extends BaseCommand {
  /** How often an idle live feed checks that the browser is still there. */
  static final Duration HEARTBEAT = Duration.ofSeconds(10);

  @Option(
      names = "--port",
      paramLabel = "N",
      description = "Port to listen on (default 4280; 0 picks a free one).")
  int port = 4280;

  @Option(
      names = "--bind",
      paramLabel = "ADDR",
      description = "Address to listen on (default 127.0.0.1: this machine only).")
  String bind = "127.0.0.1";

  @Option(names = "--read-only", description = "Refuse every change: browse and watch only.")
  boolean readOnly;

  @Override
  int execute() throws IOException {
    if (port < 0 || port > 65535) {
      throw ExitException.invalidInput("--port " + port + " is invalid: must be 0 to 65535");
    }
    UiServer.DatabaseCreator creator = storeOptions().storeUri == null ? natsCreator() : null;
    try (Store store = openStore()) {
      UiServer server;
      try {
        server =
            UiServer.start(store, new UiServer.Settings(bind, port, readOnly, creator, HEARTBEAT));
      } catch (BindException e) {
        throw ExitException.invalidInput(
            "cannot listen on " + bind + ":" + port + ": " + e.getMessage());
      }
      try (server) {
        out()
            .println(
                "microstore: web console at "
                    + server.url()
                    + (readOnly ? " (read-only)" : "")
                    + " (the link opens one browser session; Ctrl-C to stop)");
        out().flush();
        awaitStop();
      }
    }
    return ExitCodes.OK;
  }

  /** Waits for Ctrl-C (the JVM's shutdown) or for this thread to be interrupted. */
  private static void awaitStop() {
    CountDownLatch stop = new CountDownLatch(1);
    Thread hook = new Thread(stop::countDown, "microstore-ui-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running already
      }
    }
  }

  /**
   * Creates a database with the console's bucket options: a NATS store built with them creates the
   * bucket with its first use, and a watch is such a use that writes nothing.
   */
  private UiServer.DatabaseCreator natsCreator() {
    MicrostoreCommand root = root();
    Consumer<Options.Builder> connection =
        root.connection.customizer(environment(), verbose(), err());
    java.util.List<String> servers = storeOptions().servers(environment());
    boolean encodeKeys = storeOptions().encodeKeys;
    return (name, spec) -> {
      NatsStore b =
          NatsStore.builder()
              .servers(servers.toArray(new String[0]))
              .connectionOptions(connection)
              .encodeKeys(encodeKeys)
              .history(spec.history)
              .replicas(spec.replicas)
              .defaultTtl(spec.ttl);
      if (spec.memoryStorage) {
        b.memoryStorage();
      }
      if (spec.description != null) {
        b.description(spec.description);
      }
      try (Store store = b.build()) {
        store.watch(WatchOptions.builder().database(name).build(), new IgnoreChanges()).close();
      }
    };
  }

  private static final class IgnoreChanges implements WatchListener {
    @Override
    public void onEvent(ChangeEvent event) {}

    @Override
    public void onError(StoreException error) {}
  }
}
