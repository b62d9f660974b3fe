package dev.microstore.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the real picocli command line in-process with captured standard output and error, like
 * jbang's tests. Each run gets a fresh {@link MicrostoreCommand}.
 */
final class Cli {
  private byte[] stdin = new byte[0];
  private final Map<String, String> env = new HashMap<>();
  private final List<String> prefix = new ArrayList<>();
  private Path workingDirectory = Path.of("");

  /** A runner whose every command line starts with these (global) arguments. */
  static Cli with(String... globalArgs) {
    Cli cli = new Cli();
    cli.prefix.addAll(Arrays.asList(globalArgs));
    return cli;
  }

  Cli stdin(byte[] bytes) {
    Cli copy = copy();
    copy.stdin = bytes.clone();
    return copy;
  }

  Cli stdin(String text) {
    return stdin(text.getBytes(StandardCharsets.UTF_8));
  }

  Cli env(String name, String value) {
    Cli copy = copy();
    copy.env.put(name, value);
    return copy;
  }

  Cli workingDirectory(Path dir) {
    Cli copy = copy();
    copy.workingDirectory = dir;
    return copy;
  }

  private Cli copy() {
    Cli c = new Cli();
    c.stdin = stdin;
    c.env.putAll(env);
    c.prefix.addAll(prefix);
    c.workingDirectory = workingDirectory;
    return c;
  }

  /** Runs {@code microstore <global args> <args>}. */
  Result run(String... args) {
    return run(new StringWriter(), args);
  }

  /** Runs with a caller-owned output buffer, which other threads may poll while it runs. */
  Result run(StringWriter outBuffer, String... args) {
    StringWriter errBuffer = new StringWriter();
    List<String> all = new ArrayList<>(prefix);
    all.addAll(Arrays.asList(args));
    CliEnvironment environment =
        new CliEnvironment(new ByteArrayInputStream(stdin), env, false, workingDirectory, null);
    PrintWriter out = new PrintWriter(outBuffer, true);
    PrintWriter err = new PrintWriter(errBuffer, true);
    int code = Main.commandLine(environment, out, err).execute(all.toArray(new String[0]));
    out.flush();
    err.flush();
    return new Result(code, outBuffer.toString(), errBuffer.toString());
  }

  /** What a run printed and returned. */
  record Result(int exitCode, String out, String err) {
    List<String> lines() {
      return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- out:\n" + out + "--- err:\n" + err;
    }
  }
}
