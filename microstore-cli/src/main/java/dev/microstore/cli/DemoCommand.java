package dev.microstore.cli;

import dev.microstore.Store;
import dev.microstore.Stores;
import dev.microstore.nats.NatsStore;
import dev.microstore.testing.NatsServer;
import dev.microstore.testing.NatsServerBinary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

/** {@code demo}: a guided tour of the store against a NATS server it starts itself. */
@Command(
    name = "demo",
    header = "A guided tour: start a NATS server and walk through the Store API.",
    description = {
      "Starts its own nats-server with JetStream on a free port (data under ./.microstore/demo,",
      "wiped first; nats-server is installed with scripts/install-nats-server.sh when missing),",
      "unless --server or --store is given. Uses the databases demo-users and demo-orders and",
      "deletes them at the end; stops the server it started, also on Ctrl-C or failure."
    })
final class DemoCommand extends BaseCommand {
  static final String DATA_DIR = ".microstore/demo";
  static final int HISTORY = 10;

  @Override
  int execute() throws Exception {
    DemoWalkthrough demo = new DemoWalkthrough(out());
    out().println("microstore demo: Go-Micro's key-value store on NATS JetStream, step by step");
    StoreOptions options = storeOptions();
    if (options.storeUri != null) {
      demo.step("Open the store " + options.storeUri);
      try (Store store = Stores.open(options.storeUri)) {
        demo.say("opened " + store);
        demo.run(store);
      }
      return ExitCodes.OK;
    }
    if (!options.servers.isEmpty()) {
      demo.step("Connect to " + String.join(",", options.servers));
      try (Store store = natsStore(options.servers).build()) {
        demo.say("connected: " + store);
        demo.run(store);
      }
      return ExitCodes.OK;
    }
    runWithOwnServer(demo);
    return ExitCodes.OK;
  }

  private void runWithOwnServer(DemoWalkthrough demo) throws InterruptedException {
    demo.step("Start a NATS server with JetStream");
    NatsServerBinary binary = NatsServerInstaller.ensureBinary(environment(), err());
    Path data = environment().resolve(DATA_DIR).normalize();
    deleteRecursively(data);
    NatsServer server = NatsServer.builder().binary(binary).storeDir(data).start();
    Thread onCtrlC = new Thread(server::close, "microstore-demo-stop");
    Runtime.getRuntime().addShutdownHook(onCtrlC);
    boolean completed = false;
    try {
      demo.say("nats-server " + binary.version() + " (" + binary.path() + ")");
      demo.say(
          "listening at "
              + server.url()
              + ", pid "
              + server.pid().orElse(-1)
              + ", data in "
              + environment().workingDirectory().relativize(data));
      try (Store store = natsStore(List.of(server.url())).build()) {
        demo.say("connected: " + store);
        demo.run(store);
      }
      completed = true;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(onCtrlC);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook stops the server
      }
      int port = server.port();
      long pid = server.pid().orElse(-1);
      server.close();
      demo.step("Stop the server");
      demo.say("stopped nats-server pid " + pid + "; port " + port + " is closed again");
      if (completed) {
        demo.say("done: every step above ran against a real NATS JetStream server");
      }
    }
  }

  /** The NATS store builder of the global options, keeping {@value #HISTORY} revisions per key. */
  private NatsStore natsStore(List<String> servers) {
    NatsStore b = root().natsStore(servers);
    if (root().buckets.history == null) {
      b.history(HISTORY);
    }
    return b;
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot wipe " + dir, e);
    }
  }
}
