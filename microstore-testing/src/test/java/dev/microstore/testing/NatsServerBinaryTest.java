package dev.microstore.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NatsServerBinaryTest {

  @TempDir Path temp;

  @Test
  void parsesVersions() {
    assertThat(NatsServerBinary.parseVersion("nats-server: v2.9.10\n")).containsExactly(2, 9, 10);
    assertThat(NatsServerBinary.parseVersion("nats-server: v2.15.1")).containsExactly(2, 15, 1);
    assertThat(NatsServerBinary.parseVersion("nats-server: v2.11.0-dev")).containsExactly(2, 11, 0);
    assertThat(NatsServerBinary.parseVersion("nats-server: unknown")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"stable", "newest"})
  void readsTheVersionOfARealBinary(String which) {
    NatsServerBinary binary = TestSupport.binary(which);

    assertThat(binary.version()).matches("\\d+\\.\\d+\\.\\d+");
    assertThat(binary.major()).isEqualTo(2);
    assertThat(binary.isAtLeast(2, 9)).isTrue();
    assertThat(binary.isAtLeast(2, binary.minor())).isTrue();
    assertThat(binary.isAtLeast(2, binary.minor() + 1)).isFalse();
    assertThat(binary.isAtLeast(1, 99)).isTrue();
    assertThat(binary.isAtLeast(3, 0)).isFalse();
    assertThat(binary.path()).isAbsolute();
    assertThat(binary.toString()).contains(binary.version()).contains(binary.path().toString());
    assertThat(NatsServerBinary.at(binary.path())).isEqualTo(binary);
  }

  @Test
  void stableIsDebianStables29AndNewestIsNewer() {
    NatsServerBinary stable = NatsServerBinary.find();
    assertThat(stable.isAtLeast(2, 9)).isTrue();
    Optional<NatsServerBinary> newest = NatsServerBinary.newest();
    newest.ifPresent(n -> assertThat(n.isAtLeast(stable.major(), stable.minor())).isTrue());
  }

  @Test
  void aMissingPathGivesAClearMessage() {
    Path missing = temp.resolve("no-such-nats-server");

    assertThatThrownBy(() -> NatsServerBinary.at(missing))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("does not exist or is not executable")
        .hasMessageContaining("scripts/install-nats-server.sh");
  }

  @Test
  void aFileThatIsNotNatsServerGivesAClearMessage() throws IOException {
    Path fake = script("fake-server", "#!/bin/sh\necho 'hello world'\n");

    assertThatThrownBy(() -> NatsServerBinary.at(fake))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("did not print a nats-server version")
        .hasMessageContaining("hello world")
        .hasMessageContaining("scripts/install-nats-server.sh");
  }

  @Test
  void readsTheVersionFromTheBinarysOutput() throws IOException {
    Path fake = script("nats-server", "#!/bin/sh\necho 'nats-server: v2.12.3'\n");

    NatsServerBinary binary = NatsServerBinary.at(fake);

    assertThat(binary.version()).isEqualTo("2.12.3");
    assertThat(binary.isAtLeast(2, 12)).isTrue();
    assertThat(binary.isAtLeast(2, 13)).isFalse();
  }

  @Test
  void findPrefersThePropertyThenTheEnvironmentThenPath() throws IOException {
    Path a = script("a/nats-server", "#!/bin/sh\necho 'nats-server: v2.1.1'\n");
    Path b = script("b/nats-server", "#!/bin/sh\necho 'nats-server: v2.2.2'\n");
    Path c = script("c/nats-server", "#!/bin/sh\necho 'nats-server: v2.3.3'\n");
    Map<String, String> props = Map.of(NatsServerBinary.PATH_PROPERTY, a.toString());
    Map<String, String> env =
        Map.of(NatsServerBinary.PATH_ENV, b.toString(), "PATH", c.getParent().toString());

    assertThat(NatsServerBinary.find(props::get, env::get, List.of()).version()).isEqualTo("2.1.1");
    assertThat(NatsServerBinary.find(k -> null, env::get, List.of()).version()).isEqualTo("2.2.2");
    assertThat(
            NatsServerBinary.find(
                    k -> null, Map.of("PATH", "/nonexistent:" + c.getParent())::get, List.of())
                .version())
        .isEqualTo("2.3.3");
    assertThat(NatsServerBinary.find(k -> null, k -> null, List.of(a)).version())
        .isEqualTo("2.1.1");
  }

  @Test
  void findWithNothingInstalledSaysWhatWasSearched() {
    Path fallback = temp.resolve("sbin/nats-server");

    assertThatThrownBy(
            () ->
                NatsServerBinary.find(
                    k -> null, Map.of("PATH", temp.toString())::get, List.of(fallback)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("system property microstore.nats.server: not set")
        .hasMessageContaining("environment variable MICROSTORE_NATS_SERVER: not set")
        .hasMessageContaining("nats-server on PATH (" + temp + "): not found")
        .hasMessageContaining(fallback + ": not found")
        .hasMessageContaining("scripts/install-nats-server.sh");
  }

  @Test
  void findWithAPropertyNamingAMissingFileFailsInsteadOfFallingBack() {
    Path missing = temp.resolve("missing/nats-server");
    Map<String, String> props = Map.of(NatsServerBinary.PATH_PROPERTY, missing.toString());

    assertThatThrownBy(() -> NatsServerBinary.find(props::get, k -> null, List.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("system property microstore.nats.server is '" + missing + "'")
        .hasMessageContaining("not an executable file")
        .hasMessageContaining("scripts/install-nats-server.sh");
  }

  @Test
  void newestLooksInTheCacheFolder() throws IOException {
    Path cache = temp.resolve("cache");
    assertThat(
            NatsServerBinary.newest(
                k -> null, Map.of(NatsServerBinary.CACHE_ENV, cache.toString())::get, "/nohome"))
        .isEmpty();

    script("cache/nats-server/testing/nats-server", "#!/bin/sh\necho 'nats-server: v2.15.1'\n");
    assertThat(
            NatsServerBinary.newest(
                    k -> null, Map.of(NatsServerBinary.CACHE_ENV, cache.toString())::get, "/nohome")
                .map(NatsServerBinary::version))
        .contains("2.15.1");

    script("home/.cache/microstore/nats-server/testing/nats-server", "#!/bin/sh\necho v2.16.0\n");
    assertThatThrownBy(
            () -> NatsServerBinary.newest(k -> null, k -> null, temp.resolve("home").toString()))
        .hasMessageContaining("did not print a nats-server version");

    Path explicit = script("x/nats-server", "#!/bin/sh\necho 'nats-server: v2.20.0'\n");
    assertThat(
            NatsServerBinary.newest(
                    Map.of(NatsServerBinary.NEWEST_PROPERTY, explicit.toString())::get,
                    k -> null,
                    "/nohome")
                .map(NatsServerBinary::version))
        .contains("2.20.0");
    assertThatThrownBy(
            () ->
                NatsServerBinary.newest(
                    k -> null, Map.of(NatsServerBinary.NEWEST_ENV, "/nonexistent")::get, "/nohome"))
        .hasMessageContaining(
            "environment variable MICROSTORE_NATS_SERVER_NEWEST is '/nonexistent'");
  }

  private Path script(String relative, String content) throws IOException {
    Path file = temp.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }
}
