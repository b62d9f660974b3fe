package dev.microstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.Stores;
import dev.microstore.WriteOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.FluentWait;

/**
 * The web console's access rules over plain HTTP, on an in-memory store: the token, the session
 * cookie, CSRF and Origin, the security headers, and live feeds closing their watches.
 */
class UiAccessTest {
  private Store store;
  private UiServer server;
  private HttpClient http;

  @BeforeEach
  void start() throws IOException {
    store = Stores.inMemory().build();
    store.write(Record.of("k", "v"), WriteOptions.builder().database("db").build());
    server =
        UiServer.start(
            store, new UiServer.Settings("127.0.0.1", 0, false, null, Duration.ofMillis(100)));
    http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  }

  @AfterEach
  void stop() {
    server.close();
    store.close();
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(server.baseUri().resolve(path));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String form, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(server.baseUri().resolve(path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Opens a session with the access token: the cookie header to send, and the CSRF token. */
  private String[] session() throws Exception {
    HttpResponse<String> opened = get(server.url().toString());
    String cookie = opened.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    HttpResponse<String> page = get("/", "Cookie", cookie);
    Matcher csrf = Pattern.compile("data-csrf=\"([^\"]+)\"").matcher(page.body());
    assertThat(csrf.find()).isTrue();
    return new String[] {cookie, csrf.group(1)};
  }

  @Test
  void requestsWithoutTheToken_areRefused401() throws Exception {
    for (String path :
        new String[] {"/", "/db/db", "/db/db/record?key=k", "/db/db/export", "/static/app.js"}) {
      HttpResponse<String> r = get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(401);
      assertThat(r.body()).as(path).doesNotContain("\"v\"").contains("access token");
    }
    assertThat(post("/db/db/delete", "confirm=db").statusCode()).isEqualTo(401);
    assertThat(get("/?token=wrong").statusCode()).isEqualTo(401);
    assertThat(
            get("/", "Cookie", "microstore-ui-" + server.baseUri().getPort() + "=guess")
                .statusCode())
        .isEqualTo(401);
    assertThat(store.databases()).containsExactly("db");
  }

  @Test
  void accessToken_opensOneSession_keptInAStrictHttpOnlyCookie() throws Exception {
    HttpResponse<String> first = get(server.url().toString());
    assertThat(first.statusCode()).isEqualTo(303);
    assertThat(first.headers().firstValue("Location")).hasValue("/");
    String cookie = first.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(cookie)
        .startsWith("microstore-ui-" + server.baseUri().getPort() + "=")
        .contains("HttpOnly", "SameSite=Strict", "Path=/");
    assertThat(get("/", "Cookie", cookie.split(";")[0]).statusCode()).isEqualTo(200);
    assertThat(get(server.url().toString()).statusCode()).as("the link, again").isEqualTo(401);
  }

  @Test
  void changes_needTheCsrfTokenAndThisOrigin() throws Exception {
    String[] s = session();
    String origin = "http://127.0.0.1:" + server.baseUri().getPort();
    String form = "key=k&revision=1&value=changed";
    assertThat(post("/db/db/record", form, "Cookie", s[0], "Origin", origin).statusCode())
        .as("no CSRF token")
        .isEqualTo(403);
    assertThat(
            post("/db/db/record", form + "&csrf=" + s[1], "Cookie", s[0], "Origin", "http://evil")
                .statusCode())
        .as("another origin")
        .isEqualTo(403);
    assertThat(post("/db/db/record", form + "&csrf=" + s[1], "Cookie", s[0]).statusCode())
        .as("no origin")
        .isEqualTo(403);
    assertThat(store.read("k", dev.microstore.ReadOptions.builder().database("db").build()))
        .extracting(Record::valueAsString)
        .containsExactly("v");
    HttpResponse<String> saved =
        post("/db/db/record", form + "&csrf=" + s[1], "Cookie", s[0], "Origin", origin);
    assertThat(saved.statusCode()).isEqualTo(303);
    assertThat(store.read("k", dev.microstore.ReadOptions.builder().database("db").build()))
        .extracting(Record::valueAsString)
        .containsExactly("changed");
  }

  @Test
  void newRecord_isCreatedOnlyWhenTheKeyIsAbsent() throws Exception {
    String[] s = session();
    String origin = "http://127.0.0.1:" + server.baseUri().getPort();
    String form = "key=fresh&revision=0&ttl=1h&value=new&csrf=" + s[1];
    assertThat(post("/db/db/record", form, "Cookie", s[0], "Origin", origin).statusCode())
        .isEqualTo(303);
    Record created =
        store.read("fresh", dev.microstore.ReadOptions.builder().database("db").build()).get(0);
    assertThat(created.valueAsString()).isEqualTo("new");
    assertThat(created.expiry()).isPositive();
    HttpResponse<String> again =
        post("/db/db/record", form.replace("=new", "=again"), "Cookie", s[0], "Origin", origin);
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.body()).contains("id=\"conflict\"", "holds revision " + created.revision());
  }

  @Test
  void everyAnswer_carriesAStrictContentSecurityPolicy() throws Exception {
    String[] s = session();
    for (HttpResponse<String> r :
        java.util.List.of(
            get("/"), get("/", "Cookie", s[0]), get("/static/app.js", "Cookie", s[0]))) {
      assertThat(r.headers().firstValue("Content-Security-Policy"))
          .hasValue(UiAccess.CONTENT_SECURITY_POLICY);
      assertThat(r.headers().firstValue("X-Frame-Options")).hasValue("DENY");
      assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    }
    assertThat(UiAccess.CONTENT_SECURITY_POLICY)
        .contains("script-src 'self'", "style-src 'self'")
        .doesNotContain("unsafe");
  }

  @Test
  void liveFeed_closesItsWatch_whenTheBrowserGoesAway() throws Exception {
    String[] s = session();
    HttpResponse<InputStream> feed =
        http.send(
            HttpRequest.newBuilder(server.baseUri().resolve("/db/db/events"))
                .header("Cookie", s[0])
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(feed.statusCode()).isEqualTo(200);
    assertThat(feed.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
    InputStream body = feed.body();
    assertThat(new String(body.readNBytes(11), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo(": watching\n");
    assertThat(server.openFeeds()).isEqualTo(1);
    body.close();
    new FluentWait<>(server)
        .withTimeout(Duration.ofSeconds(5))
        .pollingEvery(Duration.ofMillis(20))
        .until(u -> u.openFeeds() == 0);
  }

  @Test
  void aChangeBetweenThePageAndItsFeed_isStillShown() throws Exception {
    String[] s = session();
    String page = get("/db/db", "Cookie", s[0]).body();
    Matcher revision = Pattern.compile("data-revision=\"(\\d+)\"").matcher(page);
    assertThat(revision.find()).isTrue();
    long shown = Long.parseLong(revision.group(1));
    assertThat(shown).isEqualTo(store.info("db").orElseThrow().lastRevision());

    // written after the page was made, before its feed starts
    store.write(Record.of("between", "v"), WriteOptions.builder().database("db").build());
    HttpResponse<InputStream> feed =
        http.send(
            HttpRequest.newBuilder(server.baseUri().resolve("/db/db/events?from=" + (shown + 1)))
                .header("Cookie", s[0])
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    try (java.io.BufferedReader lines =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(feed.body(), java.nio.charset.StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null && !line.startsWith("data:")) {
        // the comment and the event's name and id come first
      }
      assertThat(line).contains("\"key\":\"between\"");
    }
  }

  /** Sends one request with the Host header given, over a plain socket; returns the status. */
  private int statusWithHost(String host) throws Exception {
    try (java.net.Socket socket =
        new java.net.Socket(server.baseUri().getHost(), server.baseUri().getPort())) {
      socket.setSoTimeout(5000);
      socket
          .getOutputStream()
          .write(
              ("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String status =
          new java.io.BufferedReader(
                  new java.io.InputStreamReader(
                      socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII))
              .readLine();
      return Integer.parseInt(status.split(" ")[1]);
    }
  }

  @Test
  void aHostNameNotThisMachines_isRefused_againstDnsRebinding() throws Exception {
    int port = server.baseUri().getPort();
    assertThat(statusWithHost("evil.test:" + port)).isEqualTo(403);
    assertThat(statusWithHost("127.0.0.1:" + (port + 1))).as("another port").isEqualTo(403);
    assertThat(statusWithHost("127.0.0.1:" + port))
        .as("no cookie: the token is asked")
        .isEqualTo(401);
    assertThat(statusWithHost("localhost:" + port)).isEqualTo(401);
    assertThat(statusWithHost("[::1]:" + port)).isEqualTo(401);
  }

  @Test
  void aPageOfAnotherSite_isRefused_evenWithTheSessionCookie() throws Exception {
    String[] s = session();
    assertThat(get("/", "Cookie", s[0], "Sec-Fetch-Site", "same-site").statusCode()).isEqualTo(403);
    assertThat(get("/", "Cookie", s[0], "Sec-Fetch-Site", "cross-site").statusCode())
        .isEqualTo(403);
    assertThat(get("/", "Cookie", s[0], "Sec-Fetch-Site", "same-origin").statusCode())
        .isEqualTo(200);
  }

  @Test
  void theFeedOfAMissingDatabase_is404_andCreatesNothing() throws Exception {
    String[] s = session();
    assertThat(get("/db/nothing-here/events", "Cookie", s[0]).statusCode()).isEqualTo(404);
    assertThat(store.databases()).doesNotContain("nothing-here");
  }

  @Test
  void theEditForm_keepsAValuesFirstNewline_andSavesLineBreaksAsShown() throws Exception {
    store.write(
        Record.of("lines", "\nsecond\nthird"), WriteOptions.builder().database("db").build());
    String[] s = session();
    String page = get("/db/db/record?key=lines", "Cookie", s[0]).body();
    assertThat(page).contains("rows=\"8\">\n\nsecond\nthird</textarea>");

    long revision =
        store
            .read("lines", dev.microstore.ReadOptions.builder().database("db").build())
            .get(0)
            .revision();
    String origin = "http://127.0.0.1:" + server.baseUri().getPort();
    String form = "key=lines&revision=" + revision + "&value=one%0D%0Atwo&csrf=" + s[1];
    assertThat(post("/db/db/record", form, "Cookie", s[0], "Origin", origin).statusCode())
        .isEqualTo(303);
    assertThat(
            store
                .read("lines", dev.microstore.ReadOptions.builder().database("db").build())
                .get(0)
                .valueAsString())
        .isEqualTo("one\ntwo");
  }
}
