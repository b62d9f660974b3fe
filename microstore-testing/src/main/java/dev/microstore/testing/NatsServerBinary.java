package dev.microstore.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An executable {@code nats-server} binary and its version.
 *
 * <p>Instances are immutable. The version is read once, when the instance is made, by running
 * {@code <binary> --version} (which prints for example {@code nats-server: v2.9.10}).
 *
 * <p>Two binaries are used by microstore's tests, both installed by {@code
 * scripts/install-nats-server.sh}:
 *
 * <ul>
 *   <li>{@link #find()}: the default one, Debian stable's {@code nats-server} (2.9.x);
 *   <li>{@link #newest()}: the one from Debian's testing suite, kept in a cache folder, used to
 *       check that the code also works with current servers.
 * </ul>
 *
 * <p>No method accepts or returns {@code null}.
 */
public final class NatsServerBinary {

  /** System property naming the default binary; checked first by {@link #find()}. */
  public static final String PATH_PROPERTY = "microstore.nats.server";

  /** Environment variable naming the default binary; checked second by {@link #find()}. */
  public static final String PATH_ENV = "MICROSTORE_NATS_SERVER";

  /** System property naming the newest binary; checked first by {@link #newest()}. */
  public static final String NEWEST_PROPERTY = "microstore.nats.server.newest";

  /** Environment variable naming the newest binary; checked second by {@link #newest()}. */
  public static final String NEWEST_ENV = "MICROSTORE_NATS_SERVER_NEWEST";

  /** Environment variable naming the cache root (default {@code ~/.cache/microstore}). */
  public static final String CACHE_ENV = "MICROSTORE_CACHE";

  /** The script that installs both binaries, named in every error message. */
  static final String INSTALL_HINT =
      "Run scripts/install-nats-server.sh (from the microstore checkout) to install nats-server.";

  private static final Path SBIN = Path.of("/usr/sbin/nats-server");
  private static final Pattern VERSION = Pattern.compile("v?(\\d+)\\.(\\d+)\\.(\\d+)");
  private static final Map<CacheKey, NatsServerBinary> CACHE = new ConcurrentHashMap<>();

  private final Path path;
  private final int major;
  private final int minor;
  private final int patch;

  private NatsServerBinary(Path path, int major, int minor, int patch) {
    this.path = path;
    this.major = major;
    this.minor = minor;
    this.patch = patch;
  }

  /**
   * Finds the default {@code nats-server} binary.
   *
   * <p>Looks, in this order, at the system property {@value #PATH_PROPERTY}, the environment
   * variable {@value #PATH_ENV}, {@code nats-server} on the {@code PATH}, and {@code
   * /usr/sbin/nats-server}. A property or variable that is set must name a working binary: it is
   * not skipped silently.
   *
   * @return the binary found
   * @throws IllegalStateException if no working binary is found; the message says what was searched
   *     and to run {@code scripts/install-nats-server.sh}
   */
  public static NatsServerBinary find() {
    return find(System::getProperty, System::getenv, List.of(SBIN));
  }

  static NatsServerBinary find(
      Function<String, String> properties, Function<String, String> env, List<Path> fallbacks) {
    List<String> searched = new ArrayList<>();
    NatsServerBinary explicit =
        explicit(properties.apply(PATH_PROPERTY), "system property " + PATH_PROPERTY, searched);
    if (explicit != null) {
      return explicit;
    }
    explicit = explicit(env.apply(PATH_ENV), "environment variable " + PATH_ENV, searched);
    if (explicit != null) {
      return explicit;
    }
    String pathVar = env.apply("PATH");
    if (pathVar != null && !pathVar.isBlank()) {
      for (String dir : pathVar.split(File.pathSeparator)) {
        if (dir.isEmpty()) {
          continue;
        }
        Path candidate;
        try {
          candidate = Path.of(dir, "nats-server");
        } catch (InvalidPathException e) {
          continue;
        }
        if (isExecutableFile(candidate)) {
          return at(candidate);
        }
      }
      searched.add("nats-server on PATH (" + pathVar + "): not found");
    } else {
      searched.add("nats-server on PATH: PATH is not set");
    }
    for (Path fallback : fallbacks) {
      if (isExecutableFile(fallback)) {
        return at(fallback);
      }
      searched.add(fallback + ": not found");
    }
    throw new IllegalStateException(
        "No nats-server binary found. Searched: "
            + String.join("; ", searched)
            + ". "
            + INSTALL_HINT);
  }

  /**
   * Finds the newest {@code nats-server} binary, the one from Debian's testing suite.
   *
   * <p>Looks, in this order, at the system property {@value #NEWEST_PROPERTY}, the environment
   * variable {@value #NEWEST_ENV}, and {@code ${MICROSTORE_CACHE:-~/.cache/microstore}
   * /nats-server/testing/nats-server}, where {@code scripts/install-nats-server.sh} leaves it.
   *
   * @return the binary, or empty if none of these is set or exists
   * @throws IllegalStateException if the property or the variable is set but does not name a
   *     working binary
   */
  public static Optional<NatsServerBinary> newest() {
    return newest(System::getProperty, System::getenv, System.getProperty("user.home"));
  }

  static Optional<NatsServerBinary> newest(
      Function<String, String> properties, Function<String, String> env, String userHome) {
    List<String> searched = new ArrayList<>();
    NatsServerBinary explicit =
        explicit(properties.apply(NEWEST_PROPERTY), "system property " + NEWEST_PROPERTY, searched);
    if (explicit == null) {
      explicit = explicit(env.apply(NEWEST_ENV), "environment variable " + NEWEST_ENV, searched);
    }
    if (explicit != null) {
      return Optional.of(explicit);
    }
    Path cached = cacheRoot(env, userHome).resolve("nats-server/testing/nats-server");
    return isExecutableFile(cached) ? Optional.of(at(cached)) : Optional.empty();
  }

  private static Path cacheRoot(Function<String, String> env, String userHome) {
    String cache = env.apply(CACHE_ENV);
    if (cache != null && !cache.isBlank()) {
      return Path.of(cache);
    }
    return Path.of(userHome == null ? "" : userHome, ".cache", "microstore");
  }

  private static NatsServerBinary explicit(String value, String source, List<String> searched) {
    if (value == null || value.isBlank()) {
      searched.add(source + ": not set");
      return null;
    }
    Path path;
    try {
      path = Path.of(value.trim());
    } catch (InvalidPathException e) {
      throw new IllegalStateException(
          source + " is '" + value + "', which is not a valid path. " + INSTALL_HINT, e);
    }
    if (!isExecutableFile(path)) {
      throw new IllegalStateException(
          source + " is '" + value + "', which is not an executable file. " + INSTALL_HINT);
    }
    return at(path);
  }

  /**
   * Uses the binary at {@code path}, reading its version by running {@code <path> --version}.
   *
   * @param path the binary's path; relative paths are resolved against the working directory
   * @return the binary
   * @throws IllegalStateException if {@code path} is not an executable file, does not run, or does
   *     not print a {@code nats-server} version; the message names the path and says to run {@code
   *     scripts/install-nats-server.sh}
   */
  public static NatsServerBinary at(Path path) {
    Objects.requireNonNull(path, "path");
    Path absolute = path.toAbsolutePath().normalize();
    if (!isExecutableFile(absolute)) {
      throw new IllegalStateException(
          "nats-server binary "
              + absolute
              + " does not exist or is not executable. "
              + INSTALL_HINT);
    }
    CacheKey key;
    try {
      key = new CacheKey(absolute, Files.getLastModifiedTime(absolute).toMillis());
    } catch (IOException e) {
      throw new IllegalStateException(
          "nats-server binary " + absolute + " cannot be read: " + e + ". " + INSTALL_HINT, e);
    }
    return CACHE.computeIfAbsent(key, k -> probe(k.path()));
  }

  private static NatsServerBinary probe(Path path) {
    String output = runVersion(path);
    int[] version = parseVersion(output);
    if (version.length == 0 || !output.contains("nats-server")) {
      throw new IllegalStateException(
          "'"
              + path
              + " --version' did not print a nats-server version; it printed: '"
              + output.strip()
              + "'. "
              + INSTALL_HINT);
    }
    return new NatsServerBinary(path, version[0], version[1], version[2]);
  }

  private static String runVersion(Path path) {
    Process process;
    try {
      process = new ProcessBuilder(path.toString(), "--version").redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot run '" + path + " --version': " + e.getMessage() + ". " + INSTALL_HINT, e);
    }
    try {
      process.getOutputStream().close();
      byte[] bytes;
      try (InputStream in = process.getInputStream()) {
        bytes = in.readNBytes(64 * 1024);
      }
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            "'" + path + " --version' did not finish within 10 s. " + INSTALL_HINT);
      }
      String output = new String(bytes, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            "'"
                + path
                + " --version' exited with status "
                + process.exitValue()
                + ": '"
                + output.strip()
                + "'. "
                + INSTALL_HINT);
      }
      return output;
    } catch (IOException e) {
      process.destroyForcibly();
      throw new IllegalStateException(
          "Cannot read the output of '" + path + " --version': " + e + ". " + INSTALL_HINT, e);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running '" + path + " --version'", e);
    }
  }

  /**
   * Parses the first {@code major.minor.patch} in {@code text}.
   *
   * @return {@code {major, minor, patch}}, or an empty array if there is none
   */
  static int[] parseVersion(String text) {
    Matcher m = VERSION.matcher(text);
    if (!m.find()) {
      return new int[0];
    }
    try {
      return new int[] {
        Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))
      };
    } catch (NumberFormatException e) {
      return new int[0];
    }
  }

  static boolean isExecutableFile(Path path) {
    return Files.isRegularFile(path) && Files.isExecutable(path);
  }

  /**
   * Returns the binary's absolute path, as given (symbolic links are not resolved).
   *
   * @return the path
   */
  public Path path() {
    return path;
  }

  /**
   * Returns the version as {@code major.minor.patch}, for example {@code 2.9.10}.
   *
   * @return the version
   */
  public String version() {
    return major + "." + minor + "." + patch;
  }

  /**
   * Returns the major version, {@code 2} for {@code 2.9.10}.
   *
   * @return the major version
   */
  public int major() {
    return major;
  }

  /**
   * Returns the minor version, {@code 9} for {@code 2.9.10}.
   *
   * @return the minor version
   */
  public int minor() {
    return minor;
  }

  /**
   * Returns the patch version, {@code 10} for {@code 2.9.10}.
   *
   * @return the patch version
   */
  public int patch() {
    return patch;
  }

  /**
   * Tells whether this binary's version is {@code major.minor} or later (any patch).
   *
   * @param major the major version to compare with
   * @param minor the minor version to compare with
   * @return {@code true} if {@code version() >= major.minor.0}
   */
  public boolean isAtLeast(int major, int minor) {
    return this.major != major ? this.major > major : this.minor >= minor;
  }

  /**
   * Two binaries are equal if they have the same path and version.
   *
   * @param o the object to compare with
   * @return whether {@code o} is an equal binary
   */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof NatsServerBinary)) {
      return false;
    }
    NatsServerBinary other = (NatsServerBinary) o;
    return path.equals(other.path)
        && major == other.major
        && minor == other.minor
        && patch == other.patch;
  }

  @Override
  public int hashCode() {
    return Objects.hash(path, major, minor, patch);
  }

  /**
   * Returns for example {@code nats-server 2.9.10 (/usr/sbin/nats-server)}.
   *
   * @return a description of this binary
   */
  @Override
  public String toString() {
    return "nats-server " + version() + " (" + path + ")";
  }

  private record CacheKey(Path path, long modified) {}
}
