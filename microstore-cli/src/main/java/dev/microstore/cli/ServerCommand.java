package dev.microstore.cli;

import dev.microstore.testing.NatsServerBinary;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code server}: a local nats-server with JetStream in the foreground, for development. */
@Command(
    name = "server",
    header = "Run a local nats-server with JetStream in the foreground, for development.",
    description = {
      "Listens on 127.0.0.1, keeps its data under ./.microstore/server, and runs until Ctrl-C.",
      "Installs nats-server with scripts/install-nats-server.sh when it is missing."
    })
final class ServerCommand extends BaseCommand {
  @Option(names = "--port", paramLabel = "PORT", description = "Client port (default 4222).")
  int port = 4222;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "JetStream data directory (default ./.microstore/server).")
  String data = ".microstore/server";

  @Override
  int execute() throws IOException, InterruptedException {
    if (port < 1 || port > 65535) {
      throw ExitException.invalidInput("--port " + port + " is invalid: must be 1 to 65535");
    }
    NatsServerBinary binary = NatsServerInstaller.ensureBinary(environment(), err());
    Path dir = environment().resolve(data);
    Files.createDirectories(dir);
    List<String> command =
        List.of(
            binary.path().toString(),
            "--jetstream",
            "--store_dir",
            dir.toString(),
            "--addr",
            "127.0.0.1",
            "--port",
            Integer.toString(port));
    ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
    Process process = pb.start();
    Thread stopper =
        new Thread(
            () -> {
              process.destroy();
              try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                  process.destroyForcibly();
                }
              } catch (InterruptedException e) {
                process.destroyForcibly();
              }
            },
            "microstore-server-stop");
    Runtime.getRuntime().addShutdownHook(stopper);
    try {
      if (awaitPort(process)) {
        out()
            .println(
                "microstore: nats-server "
                    + binary.version()
                    + " ready at nats://127.0.0.1:"
                    + port
                    + " (pid "
                    + process.pid()
                    + ", data in "
                    + dir
                    + "); Ctrl-C to stop");
        out().flush();
      }
      int status = process.waitFor();
      if (status != 0) {
        throw new ExitException(
            ExitCodes.STORE_FAILURE, "nats-server exited with status " + status);
      }
      return ExitCodes.OK;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(stopper);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running already
      }
      if (process.isAlive()) {
        stopper.run();
      }
    }
  }

  private boolean awaitPort(Process process) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (process.isAlive() && System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return true;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    return false;
  }
}
