package dev.microstore.cli;

import dev.microstore.testing.NatsServerBinary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Finds the nats-server binary, and on a fresh machine installs it first with the repository's
 * {@code scripts/install-nats-server.sh}.
 */
final class NatsServerInstaller {
  static final String SCRIPT = "scripts/install-nats-server.sh";

  private NatsServerInstaller() {}

  /**
   * The binary {@link NatsServerBinary#find()} finds, after running the install script if it found
   * none.
   *
   * @throws ExitException (store failure) when there is no binary and the script cannot install one
   */
  static NatsServerBinary ensureBinary(CliEnvironment env, PrintWriter err) {
    try {
      return NatsServerBinary.find();
    } catch (IllegalStateException notFound) {
      Path script = script(env);
      if (script == null) {
        throw new ExitException(ExitCodes.STORE_FAILURE, notFound.getMessage(), notFound);
      }
      err.println("nats-server not found; installing it with " + script + " ...");
      err.flush();
      run(script, err);
      try {
        return NatsServerBinary.find();
      } catch (IllegalStateException stillMissing) {
        throw new ExitException(
            ExitCodes.STORE_FAILURE,
            "nats-server is still missing after " + script + ": " + stillMissing.getMessage(),
            stillMissing);
      }
    }
  }

  private static @Nullable Path script(CliEnvironment env) {
    List<Path> candidates = new ArrayList<>();
    Path home = env.home();
    if (home != null) {
      candidates.add(home.resolve(SCRIPT));
    }
    candidates.add(env.workingDirectory().resolve(SCRIPT));
    for (Path p : candidates) {
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    return null;
  }

  private static void run(Path script, PrintWriter err) {
    ProcessBuilder pb = new ProcessBuilder("bash", script.toString());
    pb.environment().put("MICROSTORE_REQUIRE_NEWEST_SERVER", "0");
    pb.redirectErrorStream(true);
    try {
      Process p = pb.start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int status = p.waitFor();
      err.print(output);
      err.flush();
      if (status != 0) {
        throw new ExitException(
            ExitCodes.STORE_FAILURE, script + " failed with exit status " + status);
      }
    } catch (IOException e) {
      throw new ExitException(
          ExitCodes.STORE_FAILURE, "cannot run " + script + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ExitException(ExitCodes.STORE_FAILURE, "interrupted while running " + script, e);
    }
  }
}
