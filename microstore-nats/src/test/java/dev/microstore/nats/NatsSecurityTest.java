package dev.microstore.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.microstore.ListOptions;
import dev.microstore.ReadOptions;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.StoreException;
import dev.microstore.WriteOptions;
import dev.microstore.testing.NatsServer;
import io.nats.client.AuthHandler;
import io.nats.client.NKey;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Servers requiring user/password, NKey, token, JWT credentials or TLS: the store connects with
 * each; wrong or missing credentials fail fast and say so; a user without permission on a bucket
 * gets a permission error; secrets never show in messages or {@code toString()}.
 */
@Tag("fault")
class NatsSecurityTest {
  private static final String PASSWORD = "pa55-Wd-xyzzy";
  private static final String TOKEN = "t0ken-plugh-42";
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  /** Failing to authenticate must be quick: well under jnats' connection timeout retries. */
  private static final long FAIL_FAST_MILLIS = 5_000;

  @TempDir static Path tmp;

  private static NatsServer users;
  private static NKey nkeyUser;

  @BeforeAll
  static void startServer() throws Exception {
    nkeyUser = NKey.createUser(new SecureRandom());
    users =
        NatsServer.builder()
            .binary(TestServers.binary())
            .extraConfig(
                "authorization {\n  users = [\n"
                    + "    { user: \"alice\", password: \""
                    + PASSWORD
                    + "\" }\n"
                    + "    { user: \"bob\", password: \""
                    + PASSWORD
                    + "\", permissions: { publish: { deny: [\"$KV.secret.>\","
                    + " \"$JS.API.DIRECT.GET.KV_secret.>\", \"$JS.API.DIRECT.GET.KV_secret\","
                    + " \"$JS.API.STREAM.MSG.GET.KV_secret\"] } } }\n"
                    + "    { nkey: \""
                    + new String(nkeyUser.getPublicKey())
                    + "\" }\n  ]\n}")
            .start();
  }

  @AfterAll
  static void stopServer() {
    if (users != null) {
      users.close();
    }
  }

  private static Store open(NatsServer server, Consumer<Options.Builder> options) {
    return NatsStore.builder()
        .servers(server.url())
        .timeout(TIMEOUT)
        .connectionOptions(
            b -> {
              b.errorListener(new io.nats.client.ErrorListener() {});
              options.accept(b);
            })
        .build();
  }

  private static void roundTrip(Store store) {
    store.write(Record.of("k", "v"), WriteOptions.builder().database("sec").build());
    assertThat(
            store.read("k", ReadOptions.builder().database("sec").build()).get(0).valueAsString())
        .isEqualTo("v");
  }

  /** Opening fails quickly with a StoreException saying authentication failed, naming no secret. */
  private static void assertAuthenticationFails(Runnable open, String... secrets) {
    long start = System.nanoTime();
    assertThatThrownBy(open::run)
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("authentication failed")
        .satisfies(
            e -> {
              for (String secret : secrets) {
                assertThat(e.getMessage()).doesNotContain(secret);
                assertThat(String.valueOf(e.getCause())).doesNotContain(secret);
              }
              assertThat(((StoreException) e).isRetriable()).isFalse();
            });
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
        .isLessThan(FAIL_FAST_MILLIS);
  }

  // ------------------------------------------------------------------ user and password

  @Test
  void userAndPassword_connect_andTheSecretIsNowhereToBeSeen() {
    try (Store store = open(users, b -> b.userInfo("alice", PASSWORD))) {
      roundTrip(store);
      assertThat(store.toString()).doesNotContain(PASSWORD);
    }
    String url = "nats://alice:" + PASSWORD + "@127.0.0.1:" + users.port();
    try (Store store = NatsStore.builder().servers(url).build()) {
      roundTrip(store);
      assertThat(store.toString()).doesNotContain(PASSWORD).doesNotContain("alice");
    }
  }

  @Test
  void wrongPassword_failsFast_sayingAuthenticationFailed() {
    assertAuthenticationFails(
        () -> open(users, b -> b.userInfo("alice", "wrong-" + PASSWORD)).close(),
        "wrong-" + PASSWORD);
    String url = "nats://alice:wrong-" + PASSWORD + "@127.0.0.1:" + users.port();
    assertAuthenticationFails(
        () -> NatsStore.builder().servers(url).build().close(), "wrong-" + PASSWORD);
  }

  @Test
  void missingCredentials_failFast_sayingAuthenticationFailed() {
    assertAuthenticationFails(() -> open(users, b -> {}).close());
  }

  @Test
  void userWithoutPermissionOnABucket_getsAPermissionError_andOtherBucketsWork() {
    try (Store alice = open(users, b -> b.userInfo("alice", PASSWORD));
        Store bob = open(users, b -> b.userInfo("bob", PASSWORD))) {
      WriteOptions secret = WriteOptions.builder().database("secret").build();
      alice.write(Record.of("plans", "world domination"), secret);

      assertThatThrownBy(() -> bob.write(Record.of("plans", "mine now"), secret))
          .isInstanceOf(StoreException.class)
          .hasMessageStartingWith("permission denied: the NATS server refused $KV.secret.plans")
          .hasMessageContaining("database \"secret\"")
          .satisfies(e -> assertThat(((StoreException) e).isRetriable()).isFalse());
      assertThatThrownBy(() -> bob.read("plans", ReadOptions.builder().database("secret").build()))
          .isInstanceOf(StoreException.class)
          .hasMessageStartingWith("permission denied")
          .hasMessageContaining("KV_secret");
      assertThat(
              alice
                  .read("plans", ReadOptions.builder().database("secret").build())
                  .get(0)
                  .valueAsString())
          .isEqualTo("world domination");
      roundTrip(bob);
      alice.deleteDatabase("secret");
    }
  }

  // ------------------------------------------------------------------ NKey

  @Test
  void nkey_connects_andAnUnknownKeyIsRefused() throws Exception {
    try (Store store = open(users, b -> b.authHandler(nkeyAuth(nkeyUser)))) {
      roundTrip(store);
      assertThat(store.toString()).doesNotContain(new String(nkeyUser.getSeed()));
    }
    NKey stranger = NKey.createUser(new SecureRandom());
    String seed = new String(stranger.getSeed());
    assertAuthenticationFails(
        () -> open(users, b -> b.authHandler(nkeyAuth(stranger))).close(), seed);
  }

  private static AuthHandler nkeyAuth(NKey key) {
    return new AuthHandler() {
      @Override
      public byte[] sign(byte[] nonce) {
        try {
          return key.sign(nonce);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }

      @Override
      public char[] getID() {
        try {
          return key.getPublicKey();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }

      @Override
      public char[] getJWT() {
        return null;
      }
    };
  }

  // ------------------------------------------------------------------ token

  @Test
  void token_connects_andAWrongOneIsRefused() {
    try (NatsServer server =
        NatsServer.builder()
            .binary(TestServers.binary())
            .extraConfig("authorization { token: \"" + TOKEN + "\" }")
            .start()) {
      try (Store store = open(server, b -> b.token(TOKEN.toCharArray()))) {
        roundTrip(store);
        assertThat(store.toString()).doesNotContain(TOKEN);
      }
      assertAuthenticationFails(
          () -> open(server, b -> b.token(("x" + TOKEN).toCharArray())).close(), "x" + TOKEN);
      assertAuthenticationFails(() -> open(server, b -> {}).close());
    }
  }

  // ------------------------------------------------------------------ JWT credentials

  @Test
  void jwtCredentialsFile_connectsToAServerInOperatorMode() throws Exception {
    TestCredentials creds = TestCredentials.create();
    Path file = tmp.resolve("user.creds");
    Files.writeString(file, creds.credsFile);
    try (NatsServer server =
        NatsServer.builder().binary(TestServers.binary()).extraConfig(creds.serverConfig).start()) {
      try (Store store = open(server, b -> b.authHandler(Nats.credentials(file.toString())))) {
        roundTrip(store);
        assertThat(store.list(ListOptions.builder().database("sec").build())).containsExactly("k");
      }
      TestCredentials other = TestCredentials.create();
      Path foreign = tmp.resolve("foreign.creds");
      Files.writeString(foreign, other.credsFile);
      assertAuthenticationFails(
          () -> open(server, b -> b.authHandler(Nats.credentials(foreign.toString()))).close());
    }
  }

  // ------------------------------------------------------------------ TLS

  @Test
  void tls_withTheTestCa_connects_withoutItFailsClearly() throws Exception {
    assumeThat(openssl("version")).as("openssl makes the test certificates").isTrue();
    assertThat(
            openssl(
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "2",
                "-subj",
                "/CN=microstore test CA"))
        .isTrue();
    assertThat(
            openssl(
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
                "-subj",
                "/CN=127.0.0.1"))
        .isTrue();
    Files.writeString(tmp.resolve("ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    assertThat(
            openssl(
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "server.pem",
                "-days",
                "2",
                "-extfile",
                "ext.cnf"))
        .isTrue();
    try (NatsServer server =
        NatsServer.builder()
            .binary(TestServers.binary())
            .extraConfig(
                "tls {\n  cert_file: \""
                    + tmp.resolve("server.pem")
                    + "\"\n  key_file: \""
                    + tmp.resolve("server.key")
                    + "\"\n}")
            .start()) {
      SSLContext trusting = sslContext(tmp.resolve("ca.pem"));
      try (Store store =
          NatsStore.builder()
              .servers("tls://127.0.0.1:" + server.port())
              .timeout(TIMEOUT)
              .connectionOptions(b -> b.sslContext(trusting))
              .build()) {
        roundTrip(store);
      }
      SSLContext untrusting = SSLContext.getDefault();
      long start = System.nanoTime();
      assertThatThrownBy(
              () ->
                  NatsStore.builder()
                      .servers("tls://127.0.0.1:" + server.port())
                      .connectionOptions(
                          b ->
                              b.sslContext(untrusting)
                                  .errorListener(new io.nats.client.ErrorListener() {}))
                      .build()
                      .close())
          .isInstanceOf(StoreException.class)
          .hasMessageStartingWith("cannot connect to NATS at tls://127.0.0.1:" + server.port());
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
          .isLessThan(FAIL_FAST_MILLIS);
    }
  }

  private static SSLContext sslContext(Path caPem) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(caPem)) {
      trust.setCertificateEntry(
          "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), new SecureRandom());
    return ctx;
  }

  private static boolean openssl(String... args) throws Exception {
    try {
      Process p =
          new ProcessBuilder(
                  java.util.stream.Stream.concat(
                          java.util.stream.Stream.of("openssl"), java.util.Arrays.stream(args))
                      .toList())
              .directory(tmp.toFile())
              .redirectErrorStream(true)
              .start();
      p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (java.io.IOException notInstalled) {
      return false;
    }
  }

  // ------------------------------------------------------------------ logs

  @Test
  void jnatsLogsOfAFailedLogin_doNotContainThePassword() {
    List<String> logged = new CopyOnWriteArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            logged.add(record.getLoggerName() + " " + new SimpleFormatter().formatMessage(record));
            if (record.getThrown() != null) {
              logged.add(String.valueOf(record.getThrown()));
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger root = Logger.getLogger("");
    root.addHandler(capture);
    try {
      // no error listener of ours: jnats' default one logs through java.util.logging
      assertThatThrownBy(
              () ->
                  NatsStore.builder()
                      .servers(users.url())
                      .connectionOptions(b -> b.userInfo("alice", "leak-" + PASSWORD))
                      .build()
                      .close())
          .isInstanceOf(StoreException.class);
    } finally {
      root.removeHandler(capture);
    }
    assertThat(logged).as("jnats logged the failed login").isNotEmpty();
    assertThat(String.join("\n", logged)).doesNotContain(PASSWORD);
  }
}
